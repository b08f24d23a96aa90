package io.engramstream.topics.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.topics.LocalBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Starts a single-node KRaft Kafka broker on 127.0.0.1 and prints its bootstrap address.",
                "It runs in its own JVM from the project's jars, with its data, log (broker.log) and pid file in --dir.",
                "A second start on the same directory only reports the running broker."})
public final class KafkaStartCommand implements Callable<Integer>, EngramCommand {
    @Spec CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Broker directory (default: .engram/kafka in the project).")
    Path dir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", paramLabel = "PORT", description = "KRaft controller port (default: --port + 1).")
    Integer controllerPort;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "90", description = "How long to wait for the broker to listen (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Override public String group() { return "kafka"; }

    @Override public Integer call() {
        if (port < 1 || port > 65534) throw new UserError("--port must be in 1..65534, got " + port);
        int cport = controllerPort != null ? controllerPort : port + 1;
        if (cport == port) throw new UserError("--controller-port must differ from --port");
        PrintWriter out = spec.commandLine().getOut();
        LocalBroker broker = new LocalBroker(dir != null ? dir : LocalBroker.defaultDir());
        out.println("starting Kafka in " + broker.dir() + " ...");
        out.flush();
        LocalBroker.StartResult r = broker.start(port, cport, Duration.ofSeconds(waitSeconds));
        LocalBroker.Running b = r.broker();
        if (r.alreadyRunning()) {
            out.println("already running: pid " + b.pid() + " on " + b.bootstrap() + " (dir " + b.dir() + ")");
        } else {
            out.println("Kafka running: pid " + b.pid() + ", log " + broker.logFile());
        }
        out.println("bootstrap: " + b.bootstrap());
        out.flush();
        return 0;
    }
}
