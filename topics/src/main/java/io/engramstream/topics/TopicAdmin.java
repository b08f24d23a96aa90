package io.engramstream.topics;

import io.engramstream.cli.UserError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes a Kafka cluster match the {@link TopicCatalog}: creates missing topics (idempotent),
 * and reports drift of existing ones (partition count, replication, pinned configs). It never
 * changes partitions of an existing topic (that would remap keys); configs only on request.
 */
public final class TopicAdmin {

    /** A difference between the catalog and the cluster. */
    public record Drift(String topic, String what, String expected, String actual) {
        @Override public String toString() {
            return topic + ": " + what + " is " + actual + ", catalog says " + expected;
        }
    }

    /** What the cluster has for one catalog topic. */
    public record TopicState(TopicSpec wanted, boolean exists, int partitions, int replication,
                             Map<String, String> configs, List<Drift> drifts) {}

    /** Outcome of {@link #apply}. */
    public record ApplyResult(List<String> created, List<String> altered, List<Drift> drifts, int brokers) {}

    private final Admin admin;
    private final TopicCatalog catalog;
    private final long timeoutMs;

    public TopicAdmin(Admin admin, TopicCatalog catalog, long timeoutMs) {
        this.admin = admin;
        this.catalog = catalog;
        this.timeoutMs = timeoutMs;
    }

    /** Live brokers in the cluster. */
    public int brokerCount() {
        return get(admin.describeCluster().nodes(), "describe the cluster").size();
    }

    /** The catalog as it applies to this cluster: replication capped at the broker count. */
    public TopicCatalog effectiveCatalog() {
        return catalog.capReplication(Math.max(1, brokerCount()));
    }

    /** The state of every catalog topic, with its drifts. */
    public List<TopicState> describe() {
        return describe(effectiveCatalog());
    }

    private List<TopicState> describe(TopicCatalog wanted) {
        Set<String> existing = get(admin.listTopics().names(), "list topics");
        List<String> present = wanted.names().stream().filter(existing::contains).toList();
        Map<String, TopicDescription> descriptions = present.isEmpty() ? Map.of()
                : get(admin.describeTopics(present).allTopicNames(), "describe topics");
        Map<ConfigResource, Config> configs = present.isEmpty() ? Map.of()
                : get(admin.describeConfigs(present.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all(), "describe topic configs");
        List<TopicState> out = new ArrayList<>();
        for (TopicSpec t : wanted.topics()) {
            if (!existing.contains(t.name())) {
                out.add(new TopicState(t, false, 0, 0, Map.of(),
                        List.of(new Drift(t.name(), "existence", "present", "missing"))));
                continue;
            }
            TopicDescription d = descriptions.get(t.name());
            int partitions = d.partitions().size();
            int replication = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()));
            Map<String, String> actual = new LinkedHashMap<>();
            List<Drift> drifts = new ArrayList<>();
            if (partitions != t.partitions()) {
                drifts.add(new Drift(t.name(), "partitions", String.valueOf(t.partitions()), String.valueOf(partitions)));
            }
            if (replication != t.replication()) {
                drifts.add(new Drift(t.name(), "replication", String.valueOf(t.replication()), String.valueOf(replication)));
            }
            for (Map.Entry<String, String> e : t.configs().entrySet()) {
                ConfigEntry ce = c == null ? null : c.get(e.getKey());
                String v = ce == null ? null : ce.value();
                actual.put(e.getKey(), v);
                if (!e.getValue().equals(v)) drifts.add(new Drift(t.name(), e.getKey(), e.getValue(), String.valueOf(v)));
            }
            out.add(new TopicState(t, true, partitions, replication, actual, drifts));
        }
        return out;
    }

    /** Every drift between the catalog and the cluster (missing topics included); empty means in sync. */
    public List<Drift> verify() {
        return describe().stream().flatMap(s -> s.drifts().stream()).toList();
    }

    /**
     * Creates the missing topics; with {@code alterConfigs}, also sets drifted configs of existing
     * ones. Partition and replication drift are only reported.
     */
    public ApplyResult apply(boolean alterConfigs) {
        int brokers = Math.max(1, brokerCount());
        TopicCatalog wanted = catalog.capReplication(brokers);
        List<TopicState> before = describe(wanted);
        List<NewTopic> toCreate = new ArrayList<>();
        for (TopicState s : before) {
            if (!s.exists()) {
                TopicSpec t = s.wanted();
                toCreate.add(new NewTopic(t.name(), t.partitions(), (short) t.replication()).configs(t.configs()));
            }
        }
        List<String> created = new ArrayList<>();
        if (!toCreate.isEmpty()) {
            Map<String, KafkaFuture<Void>> futures = admin.createTopics(toCreate).values();
            for (Map.Entry<String, KafkaFuture<Void>> e : futures.entrySet()) {
                try {
                    e.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    // Someone else created it between our listing and now: fine, verify below.
                    if (!(ex.getCause() instanceof TopicExistsException)) throw failure("create topic " + e.getKey(), ex.getCause());
                } catch (TimeoutException ex) {
                    throw failure("create topic " + e.getKey(), ex);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new UserError("interrupted");
                }
            }
        }
        created.sort(java.util.Comparator.comparingInt(wanted.names()::indexOf));
        awaitListed(created);
        List<String> altered = new ArrayList<>();
        if (alterConfigs) {
            Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
            for (TopicState s : before) {
                if (!s.exists()) continue;
                List<AlterConfigOp> changes = new ArrayList<>();
                for (Drift d : s.drifts()) {
                    if (s.wanted().configs().containsKey(d.what())) {
                        changes.add(new AlterConfigOp(new ConfigEntry(d.what(), d.expected()), AlterConfigOp.OpType.SET));
                    }
                }
                if (!changes.isEmpty()) {
                    ops.put(new ConfigResource(ConfigResource.Type.TOPIC, s.wanted().name()), changes);
                    altered.add(s.wanted().name());
                }
            }
            if (!ops.isEmpty()) get(admin.incrementalAlterConfigs(ops).all(), "alter topic configs");
        }
        List<Drift> drifts = created.isEmpty() && altered.isEmpty()
                ? before.stream().flatMap(s -> s.drifts().stream()).toList()
                : describe(wanted).stream().flatMap(s -> s.drifts().stream()).toList();
        return new ApplyResult(created, altered, drifts, brokers);
    }

    /**
     * A created topic reaches the brokers' metadata a moment after createTopics returns; wait for
     * it (bounded by the timeout) so the verification that follows does not report it missing.
     */
    private void awaitListed(List<String> topics) {
        if (topics.isEmpty()) return;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!get(admin.listTopics().names(), "list topics").containsAll(topics) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            }
        }
    }

    private <T> T get(KafkaFuture<T> f, String what) {
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (TimeoutException e) {
            throw failure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while trying to " + what);
        }
    }

    private static UserError failure(String what, Throwable cause) {
        String msg = cause == null ? "" : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            msg = "no answer in time (is the broker running, and are --bootstrap and the security settings right?)";
        }
        return new UserError("could not " + what + ": " + msg.replace('\n', ' '), cause);
    }

}
