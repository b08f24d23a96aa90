package io.engramstream.ops.docs;

import io.engramstream.cli.EngramCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cli", mixinStandardHelpOptions = true,
        description = "Writes the CLI reference (usage of every command) as Markdown.")
public final class DocsCliCommand implements Callable<Integer>, EngramCommand {
    @Option(names = "--out", paramLabel = "FILE", description = "Write here (default: standard output).")
    Path out;

    @Override public String group() { return "docs"; }

    @Override public Integer call() throws Exception {
        String md = CliReference.markdown();
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
