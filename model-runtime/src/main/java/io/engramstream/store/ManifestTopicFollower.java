package io.engramstream.store;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.SnapshotManifests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted manifest topic ({@code engram.snapshot.manifests}, keyed by spec
 * fingerprint): reads it from the beginning with no consumer group (every store replica sees every
 * manifest; compaction keeps the latest per spec), skips other specs' manifests, and hands this
 * spec's to a {@link SnapshotFollower}, which verifies and applies them (newer versions only). A
 * record that does not decode is a rejection with its reason; the store keeps its placement.
 */
public final class ManifestTopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestTopicFollower.class);

    private final TieredEmbeddingStore store;
    private final SnapshotFollower follower;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long recordsSeen;
    private boolean started;

    /**
     * @param clientProperties Kafka client settings (bootstrap servers, security); deserializers and
     *                         offset handling are set here
     * @param follower         applies the manifests; its snapshot directory (if any) resolves file names,
     *                         else the manifests' URIs are used
     */
    public ManifestTopicFollower(TieredEmbeddingStore store, SnapshotFollower follower, Properties clientProperties, String topic) {
        this.store = store;
        this.follower = follower;
        this.topic = topic;
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p);
        this.thread = new Thread(this::run, "engram-manifest-follower");
        this.thread.setDaemon(true);
    }

    public synchronized ManifestTopicFollower start() {
        if (!started) {
            started = true;
            thread.start();
        }
        return this;
    }

    /** Manifest records read so far (any spec). */
    public long recordsSeen() { return recordsSeen; }

    private void run() {
        String spec = store.layout().specFingerprint();
        try {
            List<TopicPartition> parts = new ArrayList<>();
            while (running && parts.isEmpty()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null) for (PartitionInfo i : infos) parts.add(new TopicPartition(topic, i.partition()));
                if (parts.isEmpty()) Thread.sleep(500);
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    recordsSeen++;
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (!spec.isEmpty() && !key.isEmpty() && !key.equals(spec)) continue;   // another spec's manifest
                    io.engramstream.schemas.SnapshotManifest m;
                    try {
                        m = Codecs.SNAPSHOT_MANIFEST.decode(r.value());
                    } catch (RecordDecodeException e) {
                        store.reject(new SnapshotRejectedException(topic + "@" + r.partition() + ":" + r.offset(),
                                "manifest record does not decode (" + e.kind() + "): " + e.reason()));
                        continue;
                    }
                    try {
                        follower.apply(SnapshotManifests.fromAvro(m));
                    } catch (RuntimeException e) {
                        store.reject(new SnapshotRejectedException(Long.toString(m.getVersion()), "bad manifest: " + e.getMessage()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("manifest follower on {} stopped: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override public synchronized void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
