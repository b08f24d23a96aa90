package io.engramstream.topics.cli;

import io.engramstream.cli.EngramCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Loads a corpus (plain text, JSON lines, Europarl lines) into Kafka as text or as token ids.",
        subcommands = {ProduceTextCommand.class, ProduceTokensCommand.class})
public final class ProduceCommand implements Runnable, EngramCommand {
    @Spec CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
