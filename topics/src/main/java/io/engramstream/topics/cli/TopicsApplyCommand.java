package io.engramstream.topics.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicAdmin;
import io.engramstream.topics.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Creates every catalog topic that is missing (idempotent) and reports drift of the others.",
                "Exit status: 0 in sync, 3 drift (wrong partitions, replication or configs), 2 usage or connection error."})
public final class TopicsApplyCommand implements Callable<Integer>, EngramCommand {
    @Mixin KafkaClientOptions kafka;
    @Spec CommandSpec spec;

    @Option(names = "--catalog-override", paramLabel = "FILE",
            description = "YAML file in the catalog's format whose entries change existing topics (e.g. partitions for a big cluster).")
    Path override;

    @Option(names = "--alter-configs", description = "Also set drifted topic configs (retention, cleanup policy ...) to the catalog's values.")
    boolean alterConfigs;

    @Override public String group() { return "topics"; }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TopicCatalog catalog = TopicCatalog.load(override);
        try (Admin admin = kafka.newAdmin()) {
            TopicAdmin.ApplyResult r = new TopicAdmin(admin, catalog, kafka.timeoutDuration().toMillis()).apply(alterConfigs);
            for (String t : r.created()) out.println("created " + t);
            for (String t : r.altered()) out.println("altered configs of " + t);
            if (catalog.topics().stream().anyMatch(t -> t.replication() > r.brokers())) {
                out.println("note: the cluster has " + r.brokers() + " broker(s); replication capped at " + r.brokers());
            }
            int total = catalog.topics().size();
            if (r.drifts().isEmpty()) {
                out.println(total + " topics in sync (" + r.created().size() + " created, "
                        + (total - r.created().size()) + " already present) on " + kafka.bootstrap);
                out.flush();
                return 0;
            }
            TopicsCommandSupport.printDrifts(out, r.drifts());
            out.println(r.drifts().size() + " drift(s); partitions and replication are never changed automatically"
                    + (alterConfigs ? "" : ", configs only with --alter-configs"));
            out.flush();
            return TopicsCommandSupport.EXIT_DRIFT;
        }
    }
}
