package io.engramstream.store.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EmbeddingDType;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.SafetensorsImporter;
import io.engramstream.store.StoreLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram store import}: a table from a safetensors checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Creates a table file (.engt) from the Engram tensors of a safetensors checkpoint: one tensor per layer",
                "of shape [rowsPerLayer, dimPerHead] (F32, BF16 or F16), checked against the spec."})
public final class StoreImportCommand implements EngramCommand, Callable<Integer> {
    @Override public String group() { return "store"; }

    @Option(names = "--spec", required = true, description = "Spec preset (demo, tiny) or file.") String spec;
    @Option(names = "--safetensors", required = true, description = "The checkpoint file.") Path file;
    @Option(names = "--out", required = true, description = "Table file to create.") Path out;
    @Option(names = "--tensor-name", defaultValue = SafetensorsImporter.DEFAULT_NAME_TEMPLATE,
            description = "Tensor name template; {layer_id} and {layer_index} are replaced (default: ${DEFAULT-VALUE}).") String template;
    @Option(names = "--dtype", description = "Row format of the table (default: the spec's).") String dtype;
    @Option(names = "--force", description = "Overwrite an existing file.") boolean force;

    @Override public Integer call() throws Exception {
        EngramSpec s = EngramSpec.resolve(spec);
        if (dtype != null) s = s.toBuilder().dtype(EmbeddingDType.parse(dtype)).build();
        if (!Files.exists(file)) throw new UserError("no such file: " + file);
        if (Files.exists(out) && !force) throw new UserError(out + " exists (use --force to overwrite)");
        try {
            SafetensorsImporter.Report r = SafetensorsImporter.importTable(file, s, StoreLayout.of(s), template, out);
            System.out.printf("imported %d tensors (%s), %,d rows, %.1f MB read, into %s in %.1f s%n", r.tensors(), String.join(", ", r.sourceDtypes()),
                    r.rows(), r.bytesRead() / 1e6, out, r.seconds());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        return 0;
    }
}
