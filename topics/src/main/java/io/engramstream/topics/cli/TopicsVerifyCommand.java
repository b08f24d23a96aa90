package io.engramstream.topics.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicAdmin;
import io.engramstream.topics.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks every catalog topic's existence, partitions, replication and configs; changes nothing.",
                "Exit status: 0 in sync, 3 drift or missing topics, 2 usage or connection error."})
public final class TopicsVerifyCommand implements Callable<Integer>, EngramCommand {
    @Mixin KafkaClientOptions kafka;
    @Spec CommandSpec spec;

    @Option(names = "--catalog-override", paramLabel = "FILE", description = "YAML file in the catalog's format whose entries change existing topics.")
    Path override;

    @Override public String group() { return "topics"; }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TopicCatalog catalog = TopicCatalog.load(override);
        try (Admin admin = kafka.newAdmin()) {
            List<TopicAdmin.Drift> drifts = new TopicAdmin(admin, catalog, kafka.timeoutDuration().toMillis()).verify();
            if (drifts.isEmpty()) {
                out.println(catalog.topics().size() + " topics in sync on " + kafka.bootstrap);
                out.flush();
                return 0;
            }
            TopicsCommandSupport.printDrifts(out, drifts);
            out.println(drifts.size() + " drift(s) on " + kafka.bootstrap + " (engram topics apply creates missing topics)");
            out.flush();
            return TopicsCommandSupport.EXIT_DRIFT;
        }
    }
}
