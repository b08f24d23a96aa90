package io.engramstream.topics.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicAdmin;
import io.engramstream.topics.TopicCatalog;
import io.engramstream.topics.TopicSpec;
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

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Lists the catalog's topics and what the cluster has for each.",
                "Columns: name, partitions, replication, cleanup, retention, key, value schema; --offline skips the cluster.",
                "Exit status: 0 in sync (or --offline), 3 drift or missing topics."})
public final class TopicsDescribeCommand implements Callable<Integer>, EngramCommand {
    @Mixin KafkaClientOptions kafka;
    @Spec CommandSpec spec;

    @Option(names = "--catalog-override", paramLabel = "FILE", description = "YAML file in the catalog's format whose entries change existing topics.")
    Path override;

    @Option(names = "--offline", description = "Only print the catalog; do not contact Kafka.")
    boolean offline;

    @Override public String group() { return "topics"; }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TopicCatalog catalog = TopicCatalog.load(override);
        String header = String.format("%-28s %4s %4s  %-15s %-8s %-16s %-18s", "topic", "part", "repl", "cleanup", "keep", "key", "value");
        if (offline) {
            out.println(header);
            for (TopicSpec t : catalog.topics()) {
                out.println(TopicsCommandSupport.row(t));
                out.println("    " + t.description() + (t.extraConfigs().isEmpty() ? "" : " configs " + t.extraConfigs()));
            }
            out.flush();
            return 0;
        }
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin ta = new TopicAdmin(admin, catalog, kafka.timeoutDuration().toMillis());
            List<TopicAdmin.TopicState> states = ta.describe();
            out.println(header + " cluster (" + kafka.bootstrap + ")");
            int drifts = 0;
            for (TopicAdmin.TopicState s : states) {
                String cluster = !s.exists() ? "MISSING"
                        : s.drifts().isEmpty() ? "ok" : s.drifts().size() + " drift(s)";
                out.println(TopicsCommandSupport.row(s.wanted()) + " " + cluster);
                TopicsCommandSupport.printDrifts(out, s.exists() ? s.drifts() : List.of());
                drifts += s.drifts().size();
            }
            out.flush();
            return drifts == 0 ? 0 : TopicsCommandSupport.EXIT_DRIFT;
        }
    }
}
