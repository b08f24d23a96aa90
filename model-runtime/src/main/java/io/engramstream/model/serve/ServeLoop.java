package io.engramstream.model.serve;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.DeadLetters;
import io.engramstream.schemas.ErrorKind;
import io.engramstream.schemas.InferenceRequest;
import io.engramstream.schemas.InferenceResponse;
import io.engramstream.schemas.InferenceTraffic;
import io.engramstream.schemas.PackedFloats;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.ResponseStatus;
import io.engramstream.schemas.TokenIds;
import io.engramstream.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The serving loop: consume {@code InferenceRequest}s, answer them in batches with a
 * {@link ServingModel}, produce one {@code InferenceResponse} per request (top-k next tokens,
 * generated tokens, per-tier lookups, latency) and one {@code InferenceTraffic} record per
 * answered request so the statistics job counts what was really served. Records that do not
 * decode go to the dead-letter topic with their reason; requests that decode but cannot be
 * served (empty prompt, ids outside the vocabulary, too many new tokens) are answered REJECTED.
 * Offsets are committed after the batch's records are produced (at least once).
 */
public final class ServeLoop implements AutoCloseable {
    /** Topics, consumer group and per-request limits. */
    public record Settings(String requestsTopic, String responsesTopic, String trafficTopic, String deadLetterTopic,
                           String groupId, int maxBatch, int maxNewTokens, Duration pollTimeout) {
        public static Settings defaults() {
            return new Settings(TopicCatalog.INFERENCE_REQUESTS, TopicCatalog.INFERENCE_RESPONSES, TopicCatalog.INFERENCE_TRAFFIC,
                    TopicCatalog.DEAD_LETTERS, "engram-serve", 16, 64, Duration.ofMillis(200));
        }

        public Settings withTopics(String requests, String responses, String traffic, String deadLetters) {
            return new Settings(requests, responses, traffic, deadLetters, groupId, maxBatch, maxNewTokens, pollTimeout);
        }

        public Settings withBatching(int batch, int newTokens) {
            return new Settings(requestsTopic, responsesTopic, trafficTopic, deadLetterTopic, groupId, batch, newTokens, pollTimeout);
        }

        public Settings withGroup(String group) {
            return new Settings(requestsTopic, responsesTopic, trafficTopic, deadLetterTopic, group, maxBatch, maxNewTokens, pollTimeout);
        }
    }

    private final ServingModel model;
    private final Settings settings;
    private final ServeMetrics metrics = new ServeMetrics();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Consumer<String> log;
    private volatile boolean running = true;

    public ServeLoop(ServingModel model, Properties clientProperties, Settings settings, Consumer<String> log) {
        this.model = model;
        this.settings = settings;
        this.log = log;
        Properties c = new Properties();
        c.putAll(clientProperties);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(Math.max(1, settings.maxBatch())));
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "1");
        this.consumer = new KafkaConsumer<>(c);
        this.producer = new KafkaProducer<>(p);
        consumer.subscribe(List.of(settings.requestsTopic()));
    }

    public ServeMetrics metrics() { return metrics; }

    /** Serves until {@link #stop()} (or the thread is interrupted). */
    public void run() {
        try {
            while (running && !Thread.currentThread().isInterrupted()) pollOnce();
        } catch (WakeupException e) {
            if (running) throw e;
        }
    }

    /** Asks {@link #run()} to return after the batch in progress; safe from any thread. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    /** One poll: answers every request it returns; returns how many records it handled. */
    public int pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout());
        if (records.isEmpty()) return 0;
        long receivedNanos = System.nanoTime();
        List<Pending> valid = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            InferenceRequest req;
            try {
                req = Codecs.INFERENCE_REQUEST.decode(r.value());
            } catch (RecordDecodeException e) {
                deadLetter(r, e.kind(), e.reason());
                continue;
            }
            String problem = null;
            int[] prompt = null;
            try {
                prompt = promptOf(req);
                problem = check(req, prompt);
            } catch (RuntimeException e) {
                problem = "cannot tokenize the prompt: " + e.getMessage();
            }
            if (problem != null) {
                respond(reject(req, problem, receivedNanos));
                metrics.rejected(micros(receivedNanos));
            } else {
                valid.add(new Pending(req, prompt));
            }
        }
        for (int from = 0; from < valid.size(); from += settings.maxBatch()) {
            answer(valid.subList(from, Math.min(valid.size(), from + settings.maxBatch())), receivedNanos);
        }
        producer.flush();
        consumer.commitSync();
        return records.count();
    }

    private record Pending(InferenceRequest request, int[] prompt) {}

    private void answer(List<Pending> batch, long receivedNanos) {
        List<Query> queries = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            InferenceRequest r = p.request();
            queries.add(new Query(p.prompt(), r.getTopK(), r.getMaxNewTokens(), r.getTemperature(), r.getRequestId().hashCode()));
        }
        List<Prediction> out;
        try {
            out = model.predict(queries);
        } catch (RuntimeException e) {
            log.accept("batch of " + batch.size() + " failed: " + e);
            for (Pending p : batch) {
                respond(response(p.request(), ResponseStatus.FAILED, "server error: " + e.getMessage(), receivedNanos).build());
                metrics.failed();
            }
            return;
        }
        metrics.batch();
        Long snapshot = model.snapshotVersion();
        for (int i = 0; i < batch.size(); i++) {
            InferenceRequest r = batch.get(i).request();
            Prediction p = out.get(i);
            long latency = micros(receivedNanos);
            InferenceResponse resp = response(r, ResponseStatus.OK, null, receivedNanos)
                    .setSnapshotVersion(snapshot)
                    .setGeneratedTokenIds(TokenIds.pack(p.generated()))
                    .setText(p.generated().length == 0 ? null : model.decode(p.generated()))
                    .setTopTokenIds(TokenIds.pack(p.topIds()))
                    .setTopProbabilities(PackedFloats.pack(p.topProbabilities()))
                    .setHotLookups(p.hotLookups()).setWarmLookups(p.warmLookups()).setColdLookups(p.coldLookups())
                    .setLatencyMicros(latency)
                    .build();
            respond(resp);
            InferenceTraffic traffic = InferenceTraffic.newBuilder()
                    .setRequestId(r.getRequestId())
                    .setSpecFingerprint(model.spec().fingerprint())
                    .setPromptTokenIds(TokenIds.pack(batch.get(i).prompt()))
                    .setGeneratedTokenIds(TokenIds.pack(p.generated()))
                    .setEventTime(Instant.now())
                    .build();
            producer.send(new ProducerRecord<>(settings.trafficTopic(), key(r), Codecs.INFERENCE_TRAFFIC.encode(traffic)));
            metrics.served(latency, p.hotLookups(), p.warmLookups(), p.coldLookups());
        }
    }

    private int[] promptOf(InferenceRequest r) {
        if (r.getPrompt() != null) return model.tokenize(r.getPrompt());
        return TokenIds.toArray(r.getPromptTokenIds());
    }

    private String check(InferenceRequest r, int[] prompt) {
        if (prompt.length == 0) return "empty prompt (neither prompt text nor promptTokenIds)";
        int v = model.tokenizerVocabulary();
        for (int id : prompt) {
            if (id < 0 || id >= v) return "prompt token id " + id + " is outside the " + model.tokenizerId() + " vocabulary [0, " + v + ")";
        }
        if (r.getMaxNewTokens() > settings.maxNewTokens()) {
            return "maxNewTokens " + r.getMaxNewTokens() + " exceeds this server's limit of " + settings.maxNewTokens();
        }
        if (!(r.getTemperature() >= 0) || Float.isInfinite(r.getTemperature())) return "temperature must be a finite number >= 0, got " + r.getTemperature();
        return null;
    }

    private InferenceResponse reject(InferenceRequest r, String reason, long receivedNanos) {
        return response(r, ResponseStatus.REJECTED, reason, receivedNanos).build();
    }

    private InferenceResponse.Builder response(InferenceRequest r, ResponseStatus status, String error, long receivedNanos) {
        return InferenceResponse.newBuilder()
                .setRequestId(r.getRequestId())
                .setStatus(status)
                .setError(error)
                .setSpecFingerprint(model.spec().fingerprint())
                .setSnapshotVersion(null)
                .setGeneratedTokenIds(TokenIds.empty())
                .setLatencyMicros(micros(receivedNanos))
                .setEventTime(Instant.now());
    }

    private void respond(InferenceResponse resp) {
        producer.send(new ProducerRecord<>(settings.responsesTopic(), resp.getRequestId().getBytes(StandardCharsets.UTF_8),
                Codecs.INFERENCE_RESPONSE.encode(resp)));
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, ErrorKind kind, String reason) {
        producer.send(new ProducerRecord<>(settings.deadLetterTopic(), r.key(),
                Codecs.DEAD_LETTER.encode(DeadLetters.of(r.topic(), r.partition(), r.offset(), r.value(), kind, reason, Instant.now()))));
        metrics.deadLetter();
    }

    private static byte[] key(InferenceRequest r) { return r.getRequestId().getBytes(StandardCharsets.UTF_8); }

    private static long micros(long sinceNanos) { return (System.nanoTime() - sinceNanos) / 1000; }

    @Override
    public void close() {
        running = false;
        try {
            producer.close(Duration.ofSeconds(10));
        } finally {
            consumer.close(Duration.ofSeconds(10));
        }
    }
}
