package io.engramstream.topics.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.topics.LocalBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Says whether the broker of --dir is running.", "Exit status: 0 running, 3 not running."})
public final class KafkaStatusCommand implements Callable<Integer>, EngramCommand {
    @Spec CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Broker directory (default: .engram/kafka in the project).")
    Path dir;

    @Override public String group() { return "kafka"; }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LocalBroker broker = new LocalBroker(dir != null ? dir : LocalBroker.defaultDir());
        Optional<LocalBroker.Running> r = broker.status();
        if (r.isPresent()) {
            out.println("running: pid " + r.get().pid() + ", bootstrap " + r.get().bootstrap() + ", dir " + broker.dir()
                    + ", log " + broker.logFile());
            out.flush();
            return 0;
        }
        out.println("not running (dir " + broker.dir() + ")");
        out.flush();
        return 3;
    }
}
