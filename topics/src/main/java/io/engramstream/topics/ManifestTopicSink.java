package io.engramstream.topics;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.SnapshotManifests;
import io.engramstream.snapshot.ManifestSink;
import io.engramstream.snapshot.SnapshotManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Announces snapshot manifests on the compacted manifest topic ({@link TopicCatalog#SNAPSHOT_MANIFESTS}):
 * the Avro {@code SnapshotManifest} ({@link SnapshotManifests#toAvro}), keyed by spec fingerprint so
 * compaction keeps the newest manifest per spec, through an idempotent producer with
 * {@code acks=all}. {@link #send} waits for the broker's acknowledgement (bounded by
 * {@code delivery.timeout.ms}), so a caller can record the manifest as sent afterwards. The producer
 * is created on the first send: a job whose subtask never publishes opens no connection.
 */
public final class ManifestTopicSink implements ManifestSink {
    private final Properties properties;
    private final String topic;
    private final Duration timeout;
    private KafkaProducer<byte[], byte[]> producer;

    /**
     * @param clientProperties bootstrap servers and any client settings (security); serializers,
     *                         idempotence and acks are set here
     * @param timeout          how long one send may take before it fails
     */
    public ManifestTopicSink(Map<?, ?> clientProperties, String topic, Duration timeout) {
        this.properties = new Properties();
        this.properties.putAll(clientProperties);
        this.properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.properties.put(ProducerConfig.ACKS_CONFIG, "all");
        // A send blocks the publishing task: bounded by `timeout` (the outbox re-sends later if it fails).
        long ms = Math.max(1000, timeout.toMillis());
        long request = Math.min(ms, 30_000);
        this.properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ms));
        this.properties.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(request));
        this.properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.properties.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(request + 1000));
        this.topic = topic;
        this.timeout = Duration.ofMillis(ms + request + 6_000);
    }

    /** The record the topic gets for {@code m}: key = spec fingerprint, value = Avro single-object encoding. */
    public static ProducerRecord<byte[], byte[]> record(String topic, SnapshotManifest m) {
        return new ProducerRecord<>(topic, m.specFingerprint().getBytes(StandardCharsets.UTF_8),
                Codecs.SNAPSHOT_MANIFEST.encode(SnapshotManifests.toAvro(m)));
    }

    @Override public String destination() { return "kafka:" + topic; }

    public String topic() { return topic; }

    @Override public synchronized void send(SnapshotManifest m) throws IOException {
        try {
            if (producer == null) producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
            producer.send(record(topic, m)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending the manifest of snapshot " + m.version(), e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            discard();   // an idempotent producer can be left fenced or in error: the next send starts a fresh one
            throw new IOException("cannot send the manifest of snapshot " + m.version() + " to " + topic + ": " + c, c);
        }
    }

    private void discard() {
        if (producer != null) {
            producer.close(Duration.ZERO);   // the send failed: nothing worth waiting for
            producer = null;
        }
    }

    @Override public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
