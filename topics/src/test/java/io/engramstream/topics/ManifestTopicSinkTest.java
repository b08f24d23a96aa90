package io.engramstream.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.SnapshotManifests;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The manifest sink on a real (in-process KRaft) broker: Avro manifests keyed by spec fingerprint;
 * with the broker down a send fails within its bound (an IOException, nothing hangs), and once the
 * broker is back the same sink sends again.
 */
class ManifestTopicSinkTest {
    static SnapshotManifest manifest(long version) {
        return new SnapshotManifest(1, version, version > 1 ? version - 1 : null, "0123456789abcdef", "fedcba9876543210",
                1_700_000_000_000L + version, SourcePosition.ofTokens(1000 * version, "statistics final"),
                "snapshot-" + String.format("%012d", version) + ".arrow", "file:///x", "ab".repeat(32), 1234, "none", 10, 20, 0, 0, null,
                null, CoverageCurve.EMPTY);
    }

    @Test
    void sendsKeyedAvroManifestsAndRecoversFromABrokerOutage() throws Exception {
        try (KafkaTestCluster kafka = new KafkaTestCluster().start()) {
            String topic = KafkaTestCluster.uniqueTopic("manifests");
            kafka.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
            try (ManifestTopicSink sink = new ManifestTopicSink(kafka.clientProperties(), topic, Duration.ofSeconds(2))) {
                assertEquals("kafka:" + topic, sink.destination());
                sink.send(manifest(1));
                kafka.stopBroker();
                long t0 = System.nanoTime();
                assertThrows(java.io.IOException.class, () -> sink.send(manifest(2)));
                assertTrue((System.nanoTime() - t0) / 1e9 < 20, "the failed send took " + (System.nanoTime() - t0) / 1e9 + " s");
                kafka.startBroker();
                sink.send(manifest(3));
            }
            List<ConsumerRecord<byte[], byte[]>> recs = kafka.consume(topic, 2, Duration.ofSeconds(20));
            assertEquals(2, recs.size());
            for (int i = 0; i < 2; i++) {
                assertEquals("0123456789abcdef", new String(recs.get(i).key(), StandardCharsets.UTF_8));
                assertEquals(i == 0 ? 1 : 3, SnapshotManifests.fromAvro(Codecs.SNAPSHOT_MANIFEST.decode(recs.get(i).value())).version());
            }
        }
    }
}
