package io.engramstream.ops.docs;

import io.engramstream.cli.EngramCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Writes the configuration reference (every typed option: key, type, default, description) as Markdown.")
public final class DocsConfigCommand implements Callable<Integer>, EngramCommand {
    @Option(names = "--out", paramLabel = "FILE", description = "Write here (default: standard output).")
    Path out;

    @Override public String group() { return "docs"; }

    @Override public Integer call() throws Exception {
        String md = ConfigReference.markdown(OptionCatalog.scan());
        if (out == null) {
            System.out.print(md);
        } else {
            if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, md, StandardCharsets.UTF_8);
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
