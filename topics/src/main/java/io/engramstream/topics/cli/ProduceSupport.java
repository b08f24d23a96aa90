package io.engramstream.topics.cli;

import io.engramstream.cli.UserError;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicCatalog;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/** Checks shared by the produce commands. */
final class ProduceSupport {
    private ProduceSupport() {}

    /** Fails when a catalog topic carries another record kind than the one about to be produced. */
    static void requireKind(String topic, String recordName) {
        TopicCatalog c = TopicCatalog.defaults();
        if (c.contains(topic) && !c.topic(topic).valueSchema().equals(recordName)) {
            throw new UserError("topic " + topic + " carries " + c.topic(topic).valueSchema() + " records, not " + recordName
                    + " (the default is " + c.topicFor(recordClass(recordName)).name() + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends org.apache.avro.specific.SpecificRecord> recordClass(String name) {
        return (Class<? extends org.apache.avro.specific.SpecificRecord>) io.engramstream.schemas.Codecs.forName(name).type();
    }

    /** Fails with a hint when a target topic is missing (the local broker does not auto-create topics). */
    static void requireTopics(KafkaClientOptions kafka, List<String> topics) {
        try (Admin admin = kafka.newAdmin()) {
            Set<String> existing;
            try {
                existing = admin.listTopics().names().get(kafka.timeoutDuration().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new UserError("no answer from Kafka at " + kafka.bootstrap + " (is it running? engram kafka start)");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new UserError("cannot list topics at " + kafka.bootstrap + ": " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            }
            for (String t : topics) {
                if (!existing.contains(t)) {
                    throw new UserError("topic " + t + " does not exist on " + kafka.bootstrap
                            + (TopicCatalog.defaults().contains(t) ? " (create the catalog's topics with: engram topics apply)" : " (create it first)"));
                }
            }
        }
    }
}
