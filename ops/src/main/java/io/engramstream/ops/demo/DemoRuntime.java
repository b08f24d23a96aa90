package io.engramstream.ops.demo;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.engramstream.model.EngineThreads;
import io.engramstream.model.memory.SparseRowOptimizer;
import io.engramstream.model.memory.TableKind;
import io.engramstream.model.serve.Prediction;
import io.engramstream.model.serve.Query;
import io.engramstream.model.serve.ServeLoop;
import io.engramstream.model.serve.ServeMetrics;
import io.engramstream.model.serve.ServingModel;
import io.engramstream.model.train.CurvePoint;
import io.engramstream.model.train.TableSetup;
import io.engramstream.model.train.TrainSession;
import io.engramstream.model.train.TrainSettings;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.InferenceRequest;
import io.engramstream.schemas.InferenceResponse;
import io.engramstream.schemas.ResponseStatus;
import io.engramstream.schemas.TokenIds;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.ManifestTopicFollower;
import io.engramstream.store.SnapshotFollower;
import io.engramstream.store.StoreMetrics;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.topics.TopicCatalog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The model side of the demo: trains a few steps of the Engram language model with its table in
 * the tiered store placed by the latest snapshot, then serves requests with it (over Kafka
 * through {@link ServeLoop}, or in-process on the file-only path) while its store swaps placements
 * as new snapshots are announced on the manifest topic (Kafka path) or appear in the snapshot
 * directory's LATEST (file-only path).
 *
 * <p>The table has the statistics job's spec (same fingerprint end to end). Its rows start at
 * zero ({@code row-init-std 0}): the cold file is then sparse and only the rows training writes
 * take disk, which is what lets the demo spec's 5.3 GB table exist on any laptop.
 */
final class DemoRuntime implements AutoCloseable {
    /** Model shape and training length of the demo (small: a few steps on 2 CPU cores). */
    record ModelSettings(int steps, int hidden, int heads, int context, int batch, int vocab, long corpusChars) {}

    /** One served request, as the demo saw its answer. */
    record Served(String id, int[] prompt, int[] generated, long latencyMicros, Long snapshot, long hot, long warm, long cold) {
        int tokens() { return prompt.length + generated.length; }
    }

    private final ServingModel model;
    private final SnapshotFollower follower;
    private final ManifestTopicFollower manifests;
    private final Consumer<String> log;
    private ServeLoop loop;
    private KafkaProducer<byte[], byte[]> requests;
    private KafkaConsumer<byte[], byte[]> responses;
    private final Map<String, InferenceResponse> answered = new HashMap<>();

    private DemoRuntime(ServingModel model, SnapshotFollower follower, ManifestTopicFollower manifests, Consumer<String> log) {
        this.model = model;
        this.follower = follower;
        this.manifests = manifests;
        this.log = log;
    }

    /** Transformer layers the model needs for the spec's Engram layer ids. */
    static int layersFor(EngramSpec spec) {
        int max = 0;
        for (int id : spec.layerIds()) max = Math.max(max, id);
        return max + 1;
    }

    /**
     * Trains {@code m.steps()} steps on {@code corpus} with the table in the tiered store placed by
     * (and following) {@code snapshots}; saves a checkpoint into {@code checkpointDir}.
     */
    static TrainSession.Result train(Path corpus, String specArg, EngramSpec spec, Path snapshots, Path tableDir, Path checkpointDir,
                                     ModelSettings m, Consumer<String> log) throws Exception {
        EngineThreads.use(1);   // one intra-op thread: fastest on a shared 2-core machine (docs/design/model.md)
        DemoCommand.deleteTree(checkpointDir);
        TrainSettings s = new TrainSettings(m.batch(), m.context(), 3e-3f, 0.1f, SparseRowOptimizer.Kind.ADAGRAD, 0f, 42L, 1f,
                0, 16, Math.max(1, m.steps() / 4));
        TrainSession.Request r = new TrainSession.Request(corpus.toString(), "any", m.corpusChars(), 20, spec.canonicalMapId(), specArg,
                m.vocab(), m.hidden(), layersFor(spec), m.heads(), true, new TableSetup(TableKind.TIERED, tableDir, 0, 0, snapshots),
                s, m.steps(), checkpointDir, 0);
        return TrainSession.run(r, log);
    }

    /**
     * Kafka path: the runtime's training corpus as it gets it, from the corpus topic (everything up to
     * the end offsets at the call), one document per line (chunks joined, line breaks and tabs as spaces).
     *
     * @return documents written
     */
    static int corpusFromTopic(String bootstrap, Path file) throws IOException {
        Properties c = new Properties();
        c.setProperty("bootstrap.servers", bootstrap);
        c.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, StringBuilder> docs = new java.util.LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(TopicCatalog.CORPUS_TEXT).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) throw new IOException("could not read " + TopicCatalog.CORPUS_TEXT + " to its end in 2 min");
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        io.engramstream.schemas.CorpusText t = Codecs.CORPUS_TEXT.decode(rec.value());
                        docs.computeIfAbsent(t.getDocumentId(), k -> new StringBuilder()).append(t.getText());
                    } catch (io.engramstream.schemas.RecordDecodeException e) {
                        // not text to train on (the statistics job dead-letters it with the reason)
                    }
                }
            }
        }
        Files.createDirectories(file.getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (StringBuilder d : docs.values()) {
                w.write(d.toString().replace('\n', ' ').replace('\r', ' ').replace('\t', ' ').strip());
                w.write('\n');
            }
        }
        return docs.size();
    }

    /**
     * Opens the newest checkpoint for serving on the tiered store. With {@code bootstrap} the store
     * follows the manifest topic (a manifest names a file in {@code snapshots}, verified before it is
     * applied); without, it polls {@code snapshots}/LATEST every 200 ms.
     */
    static DemoRuntime open(Path checkpointDir, Path tableDir, Path snapshots, String bootstrap, Consumer<String> log) throws IOException {
        EngineThreads.use(1);
        ServingModel model = ServingModel.open(checkpointDir, new TableSetup(TableKind.TIERED, tableDir, 0, 0, null), log);
        try {
            TieredEmbeddingStore store = model.store().orElseThrow();
            SnapshotFollower f = new SnapshotFollower(store, snapshots);
            ManifestTopicFollower manifests = null;
            if (bootstrap != null) {
                Properties p = new Properties();
                p.setProperty("bootstrap.servers", bootstrap);
                manifests = new ManifestTopicFollower(store, f, p, TopicCatalog.SNAPSHOT_MANIFESTS).start();
            } else {
                f.start(Duration.ofMillis(200));
            }
            return new DemoRuntime(model, f, manifests, log);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    ServingModel model() { return model; }
    TieredEmbeddingStore store() { return model.store().orElseThrow(); }

    /** Serving over Kafka: requests are consumed from the request topic, answers and traffic produced by the serve loop. */
    ServeMetrics connect(String bootstrap, int maxBatch, int maxNewTokens) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        loop = new ServeLoop(model, p, ServeLoop.Settings.defaults().withBatching(maxBatch, maxNewTokens).withGroup("engram-demo-serve"), log);
        requests = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.setProperty("bootstrap.servers", bootstrap);
        c.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        responses = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        responses.partitionsFor(TopicCatalog.INFERENCE_RESPONSES).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        responses.assign(parts);
        responses.seekToBeginning(parts);
        return loop.metrics();
    }

    /**
     * One round: every prompt as a request with {@code newTokens} greedy tokens. Over Kafka when
     * {@link #connect} was called (requests produced, the serve loop answers, responses read back),
     * else in-process in batches of {@code maxBatch}. Returns the answers in prompt order.
     */
    List<Served> serve(String round, List<int[]> prompts, int newTokens, int maxBatch) throws Exception {
        return loop != null ? serveKafka(round, prompts, newTokens) : serveInProcess(round, prompts, newTokens, maxBatch);
    }

    private List<Served> serveKafka(String round, List<int[]> prompts, int newTokens) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String id = "demo-" + round + "-" + i;
            ids.add(id);
            InferenceRequest r = InferenceRequest.newBuilder().setRequestId(id).setPrompt(null).setPromptTokenIds(TokenIds.pack(prompts.get(i)))
                    .setMaxNewTokens(newTokens).setTemperature(0f).setTopK(5).setEventTime(Instant.now()).build();
            requests.send(new ProducerRecord<>(TopicCatalog.INFERENCE_REQUESTS, id.getBytes(StandardCharsets.UTF_8), Codecs.INFERENCE_REQUEST.encode(r)));
        }
        requests.flush();
        long target = loop.metrics().answered() + prompts.size();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (loop.metrics().answered() < target) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the serve loop answered " + loop.metrics().answered() + " of " + target + " requests in 3 min");
            loop.pollOnce();
        }
        while (!answered.keySet().containsAll(ids)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("responses of round " + round + " did not all arrive");
            for (ConsumerRecord<byte[], byte[]> rec : responses.poll(Duration.ofMillis(200))) {
                InferenceResponse resp = Codecs.INFERENCE_RESPONSE.decode(rec.value());
                answered.put(resp.getRequestId(), resp);
            }
        }
        List<Served> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            InferenceResponse r = answered.get(ids.get(i));
            if (r.getStatus() != ResponseStatus.OK) throw new IllegalStateException("request " + ids.get(i) + " was " + r.getStatus() + ": " + r.getError());
            out.add(new Served(ids.get(i), prompts.get(i), TokenIds.toArray(r.getGeneratedTokenIds()), r.getLatencyMicros(), r.getSnapshotVersion(),
                    r.getHotLookups(), r.getWarmLookups(), r.getColdLookups()));
        }
        return out;
    }

    private List<Served> serveInProcess(String round, List<int[]> prompts, int newTokens, int maxBatch) {
        List<Served> out = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += maxBatch) {
            List<int[]> batch = prompts.subList(from, Math.min(prompts.size(), from + maxBatch));
            List<Query> q = new ArrayList<>();
            for (int[] p : batch) q.add(new Query(p, 5, newTokens, 0f, 0));
            long t0 = System.nanoTime();
            List<Prediction> preds = model.predict(q);
            long micros = (System.nanoTime() - t0) / 1000;   // every request of a batch waits for the whole batch
            Long v = model.snapshotVersion();
            for (int i = 0; i < batch.size(); i++) {
                Prediction p = preds.get(i);
                out.add(new Served("demo-" + round + "-" + (from + i), batch.get(i), p.generated(), micros, v, p.hotLookups(), p.warmLookups(), p.coldLookups()));
            }
        }
        return out;
    }

    /** File-only path: what was served, one JSON line per request ({"tokens":[prompt + generated], "source":"inference"}). */
    static void writeTraffic(Path file, List<Served> served) throws IOException {
        Files.createDirectories(file.getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Served s : served) {
                StringBuilder sb = new StringBuilder("{\"source\":\"inference\",\"tokens\":[");
                int[] all = Arrays.copyOf(s.prompt(), s.tokens());
                System.arraycopy(s.generated(), 0, all, s.prompt().length, s.generated().length);
                for (int i = 0; i < all.length; i++) sb.append(i == 0 ? "" : ",").append(all[i]);
                w.write(sb.append("]}\n").toString());
            }
        }
    }

    /** Row lookups each tier answered so far, then all row lookups (last element): read before and after a round. */
    static long[] tierPositions(StoreMetrics m) {
        long[] a = new long[Tier.values().length + 1];
        for (Tier t : Tier.values()) a[t.ordinal()] = m.tier(t).positionsServed();
        a[a.length - 1] = m.positions();
        return a;
    }

    /** Text of DeepSeek-V3 token ids (for the report; the model's own tokenizer only encodes). */
    static String decode(Path tokenizerJson, int[] ids) {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optTruncation(false).optPadding(false)
                .optAddSpecialTokens(false).build()) {
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) l[i] = ids[i];
            return t.decode(l);
        } catch (IOException | RuntimeException e) {
            return Arrays.toString(ids);
        }
    }

    static double lastTrainLoss(List<CurvePoint> curve) { return curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).trainLoss(); }

    @Override
    public void close() throws IOException {
        try {
            if (loop != null) loop.close();
            if (requests != null) requests.close(Duration.ofSeconds(5));
            if (responses != null) responses.close(Duration.ofSeconds(5));
        } finally {
            if (manifests != null) manifests.close();
            follower.close();
            model.close();
        }
    }
}
