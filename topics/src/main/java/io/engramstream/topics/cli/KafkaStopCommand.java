package io.engramstream.topics.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.topics.LocalBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stops the broker recorded in --dir's pid file (and only that one); data stays in --dir.")
public final class KafkaStopCommand implements Callable<Integer>, EngramCommand {
    @Spec CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Broker directory (default: .engram/kafka in the project).")
    Path dir;

    @Override public String group() { return "kafka"; }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LocalBroker broker = new LocalBroker(dir != null ? dir : LocalBroker.defaultDir());
        Optional<LocalBroker.Running> stopped = broker.stop(Duration.ofSeconds(30));
        out.println(stopped.map(b -> "stopped Kafka pid " + b.pid() + " (" + b.bootstrap() + ")")
                .orElse("no broker running in " + broker.dir()));
        out.flush();
        return 0;
    }
}
