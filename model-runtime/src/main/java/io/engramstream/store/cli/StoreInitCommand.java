package io.engramstream.store.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EmbeddingDType;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.ColdTable;
import io.engramstream.store.StoreLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram store init}: a fresh table with seeded random values, for training from scratch. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Creates a spec's full table file (.engt) with seeded random values, for training from scratch.")
public final class StoreInitCommand implements EngramCommand, Callable<Integer> {
    @Override public String group() { return "store"; }

    @Option(names = "--spec", required = true, description = "Spec preset (demo, tiny) or file.") String spec;
    @Option(names = "--out", required = true, description = "Table file to create.") Path out;
    @Option(names = "--dtype", description = "Row format fp32|bf16|fp16 (default: the spec's).") String dtype;
    @Option(names = "--seed", defaultValue = "0", description = "Init seed (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--init-std", defaultValue = "0.02", description = "Standard deviation of the initial values (default: ${DEFAULT-VALUE}).") double std;
    @Option(names = "--force", description = "Overwrite an existing file.") boolean force;

    @Override public Integer call() throws Exception {
        EngramSpec s = EngramSpec.resolve(spec);
        if (dtype != null) s = s.toBuilder().dtype(EmbeddingDType.parse(dtype)).build();
        StoreLayout layout = StoreLayout.of(s);
        if (Files.exists(out) && !force) throw new UserError(out + " exists (use --force to overwrite)");
        if (std <= 0 || Double.isNaN(std)) throw new UserError("--init-std must be positive");
        long t0 = System.nanoTime();
        System.out.printf("creating %s: spec %s, %s%n", out, s.fingerprint(), layout);
        ColdTable.create(out, layout, seed, std).close();
        System.out.printf("done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
