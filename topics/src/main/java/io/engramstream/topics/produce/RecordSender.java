package io.engramstream.topics.produce;

import io.engramstream.cli.UserError;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.DeadLetters;
import io.engramstream.schemas.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends encoded records with UTF-8 keys, asynchronously, counting acknowledgements and keeping
 * the first failure (which stops the run: nothing is dropped silently). Bad input lines go to
 * the dead-letter topic as {@code DeadLetter} records.
 */
public final class RecordSender implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String deadLetterTopic;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long sent;
    private long deadLetters;

    /**
     * @param client          client properties (bootstrap, security ...); producer settings are added
     * @param deadLetterTopic where bad input lines go, or null to only count them
     */
    public RecordSender(Properties client, String topic, String deadLetterTopic) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 * 1024 * 1024));
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        try {
            this.producer = new KafkaProducer<>(p);
        } catch (KafkaException e) {
            throw new UserError("cannot create a Kafka producer: " + e.getMessage());
        }
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
    }

    /** Sends one record; throws the first earlier send failure, if any. */
    public void send(String key, byte[] value) {
        send(topic, key, value);
    }

    private void send(String t, String key, byte[] value) {
        checkFailure();
        producer.send(new ProducerRecord<>(t, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value), (md, e) -> {
            if (e != null) failure.compareAndSet(null, e);
            else acked.incrementAndGet();
        });
        sent++;
    }

    /** Sends a bad input line to the dead-letter topic (when there is one). */
    public void deadLetter(BadInput bad) {
        deadLetters++;
        if (deadLetterTopic == null) return;
        byte[] value = Codecs.DEAD_LETTER.encode(DeadLetters.of(bad.file(), -1, bad.line(), bad.raw(),
                ErrorKind.UNDECODABLE, bad.reason(), Instant.now()));
        send(deadLetterTopic, bad.file(), value);
    }

    public long sent() { return sent; }

    public long acknowledged() { return acked.get(); }

    public long deadLetters() { return deadLetters; }

    /** Waits for every send; throws if any failed. */
    public void flush() {
        producer.flush();
        checkFailure();
    }

    private void checkFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new UserError("sending to Kafka failed after " + acked.get() + " records: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override public void close() {
        producer.close(java.time.Duration.ofSeconds(30));
    }
}
