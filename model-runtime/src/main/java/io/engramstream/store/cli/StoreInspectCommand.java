package io.engramstream.store.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.ColdTable;
import io.engramstream.store.StoreLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram store inspect}: what a table file holds, and whether it fits a spec. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Prints a table file's header; with --spec, checks it against the spec (exit 2 on mismatch).")
public final class StoreInspectCommand implements EngramCommand, Callable<Integer> {
    @Override public String group() { return "store"; }

    @Parameters(index = "0", paramLabel = "FILE", description = "A table file (.engt).") Path file;
    @Option(names = "--spec", description = "Spec preset or file to check against.") String spec;

    @Override public Integer call() throws Exception {
        if (!Files.exists(file)) throw new UserError("no such file: " + file);
        ColdTable.Header h;
        try {
            h = ColdTable.readHeader(file);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        long rows = Arrays.stream(h.rowsPerLayer).sum();
        System.out.printf("%s: spec %s, %s rows x %d dims, %d layers %s, %,d rows, init seed %s, %.2f GB%n", file,
                h.specFingerprint.isEmpty() ? "(none)" : h.specFingerprint, h.format, h.dim, h.rowsPerLayer.length,
                Arrays.toString(h.rowsPerLayer), rows, h.seed < 0 ? "(imported)" : Long.toString(h.seed), Files.size(file) / 1e9);
        if (spec != null) {
            EngramSpec s = EngramSpec.resolve(spec).toBuilder().dtype(h.format.dtype()).build();
            String mismatch = h.mismatch(StoreLayout.of(s));
            if (mismatch != null) throw new UserError("does not match spec " + s.fingerprint() + ": " + mismatch);
            System.out.println("matches spec " + s.fingerprint());
        }
        return 0;
    }
}
