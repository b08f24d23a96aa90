package io.engramstream.model.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.model.EngineThreads;
import io.engramstream.model.memory.TableKind;
import io.engramstream.model.train.TableSetup;
import io.engramstream.model.train.TrainSession;
import io.engramstream.model.train.TrainSessionAccess;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.schemas.InferenceRequest;
import io.engramstream.schemas.InferenceResponse;
import io.engramstream.schemas.InferenceTraffic;
import io.engramstream.schemas.PackedFloats;
import io.engramstream.schemas.ResponseStatus;
import io.engramstream.schemas.TokenIds;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.store.SnapshotFollower;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A serve round trip through a real (in-process KRaft) broker: requests in, responses and served
 * traffic out, a malformed record to the dead-letter topic, and a hot-set snapshot swap in the
 * middle that changes which tier answers but not what the model answers.
 */
class ServeRoundTripTest {
    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();
    @TempDir Path tmp;

    static final String[] PROMPTS = {"Mr President, I would like to", "The Commission has", "We must ensure that the",
            "ladies and gentlemen", "the European Parliament"};

    @BeforeAll
    static void oneThread() { EngineThreads.use(1); }

    @Test
    void servesOverKafkaAndSwapsSnapshotsMidway() throws Exception {
        long t0 = System.nanoTime();
        Path ckpt = tmp.resolve("ckpt");
        TrainSession.run(TrainSessionAccess.tinyRequest(tmp, 4, ckpt), l -> {});
        System.out.printf("trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        String requests = KafkaTestCluster.uniqueTopic("requests"), responses = KafkaTestCluster.uniqueTopic("responses");
        String traffic = KafkaTestCluster.uniqueTopic("traffic"), dead = KafkaTestCluster.uniqueTopic("dead");
        for (String t : List.of(requests, responses, traffic, dead)) KAFKA.createTopic(t, 1);

        try (ServingModel model = ServingModel.open(ckpt, new TableSetup(TableKind.TIERED, tmp.resolve("table"), 0, 0, null), l -> {})) {
            EngramSpec spec = model.spec();
            TieredEmbeddingStore store = model.store().orElseThrow();
            SnapshotDirectory snapshots = new SnapshotDirectory(tmp.resolve("snapshots"), 4);
            long rows = spec.rowsPerLayer(0);
            publish(snapshots, spec, 1, range(0, rows / 4), range(rows / 4, rows / 2));
            // Offline answers, before serving starts: what the broker round trip must reproduce.
            List<Prediction> offline = model.predict(List.of(new Query(model.tokenize(PROMPTS[0]), 1, 1, 0f, 1)));

            try (SnapshotFollower follower = new SnapshotFollower(store, snapshots.dir()).start(Duration.ofMillis(100));
                 ServeLoop loop = new ServeLoop(model, KAFKA.clientProperties(),
                         ServeLoop.Settings.defaults().withTopics(requests, responses, traffic, dead)
                                 .withGroup("serve-" + System.nanoTime()).withBatching(4, 8), l -> {})) {
                await(() -> "1".equals(store.snapshotId()), "snapshot 1 in place");
                Thread server = new Thread(loop::run, "test-serve-loop");
                server.start();

                for (int i = 0; i < PROMPTS.length; i++) produce(requests, request("a" + i, i, model));
                produce(requests, InferenceRequest.newBuilder().setRequestId("bad-id").setPromptTokenIds(TokenIds.pack(new int[] {5, 1 << 30}))
                        .setMaxNewTokens(2).setEventTime(Instant.now()).build());
                KAFKA.produce(requests, "garbage".getBytes(StandardCharsets.UTF_8), new byte[] {0x0C, 0x01, 0x02});
                Map<String, InferenceResponse> first = responses(responses, PROMPTS.length + 1);
                System.out.printf("first round answered at %.1f s%n", (System.nanoTime() - t0) / 1e9);

                publish(snapshots, spec, 2, range(rows / 2, rows), range(0, rows / 8));
                await(() -> "2".equals(store.snapshotId()), "snapshot 2 in place");
                for (int i = 0; i < PROMPTS.length; i++) produce(requests, request("b" + i, i, model));
                Map<String, InferenceResponse> all = responses(responses, 2 * PROMPTS.length + 1);
                loop.stop();
                server.join(30_000);
                System.out.printf("second round answered at %.1f s%n", (System.nanoTime() - t0) / 1e9);

                InferenceResponse rejected = all.get("bad-id");
                assertEquals(ResponseStatus.REJECTED, rejected.getStatus());
                assertTrue(rejected.getError().contains("outside the cl100k_base vocabulary"), rejected.getError());
                for (int i = 0; i < PROMPTS.length; i++) {
                    InferenceResponse a = first.get("a" + i), b = all.get("b" + i);
                    assertNotNull(a, "response a" + i);
                    assertEquals(ResponseStatus.OK, a.getStatus(), String.valueOf(a.getError()));
                    assertEquals(ResponseStatus.OK, b.getStatus(), String.valueOf(b.getError()));
                    assertEquals(1L, a.getSnapshotVersion());
                    assertEquals(2L, b.getSnapshotVersion());
                    assertEquals(spec.fingerprint(), a.getSpecFingerprint());
                    int[] top = TokenIds.toArray(a.getTopTokenIds());
                    float[] p = PackedFloats.toArray(a.getTopProbabilities());
                    assertEquals(i + 1, top.length, "topK of request a" + i);
                    for (int k = 1; k < p.length; k++) assertTrue(p[k - 1] >= p[k], "probabilities sorted: " + java.util.Arrays.toString(p) + " ids " + java.util.Arrays.toString(top));
                    assertEquals(i % 3 + 1, TokenIds.count(a.getGeneratedTokenIds()));
                    // The swap moved rows between tiers; the answers are the same (up to float rounding:
                    // batches of another composition pad to another length and multiply other shapes).
                    assertArrayEquals(top, TokenIds.toArray(b.getTopTokenIds()));
                    assertArrayEquals(p, PackedFloats.toArray(b.getTopProbabilities()), 1e-5f);
                    assertArrayEquals(TokenIds.toArray(a.getGeneratedTokenIds()), TokenIds.toArray(b.getGeneratedTokenIds()));
                    assertEquals(a.getHotLookups() + a.getWarmLookups() + a.getColdLookups(), b.getHotLookups() + b.getWarmLookups() + b.getColdLookups());
                    assertTrue(a.getLatencyMicros() > 0);
                }
                long hotBefore = first.values().stream().mapToLong(InferenceResponse::getHotLookups).sum();
                long hotAfter = all.entrySet().stream().filter(e -> e.getKey().startsWith("b")).mapToLong(e -> e.getValue().getHotLookups()).sum();
                assertTrue(hotBefore > 0 && hotAfter > 0 && hotBefore != hotAfter, "hot lookups " + hotBefore + " then " + hotAfter);
                // Served over the broker = computed offline.
                assertArrayEquals(offline.get(0).topIds(), TokenIds.toArray(first.get("a0").getTopTokenIds()));
                assertArrayEquals(offline.get(0).generated(), TokenIds.toArray(first.get("a0").getGeneratedTokenIds()));

                List<InferenceTraffic> served = KAFKA.consume(traffic, 2 * PROMPTS.length, Duration.ofSeconds(30)).stream()
                        .map(r -> decode(() -> Codecs.INFERENCE_TRAFFIC.decode(r.value()))).toList();
                assertEquals(2 * PROMPTS.length, served.size());
                InferenceTraffic servedA0 = served.stream().filter(t -> t.getRequestId().equals("a0")).findFirst().orElseThrow();
                assertArrayEquals(model.tokenize(PROMPTS[0]), TokenIds.toArray(servedA0.getPromptTokenIds()));
                assertArrayEquals(TokenIds.toArray(first.get("a0").getGeneratedTokenIds()), TokenIds.toArray(servedA0.getGeneratedTokenIds()));
                assertEquals(spec.fingerprint(), servedA0.getSpecFingerprint());

                List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.consume(dead, 1, Duration.ofSeconds(30));
                assertEquals(1, letters.size());
                DeadLetter d = decode(() -> Codecs.DEAD_LETTER.decode(letters.get(0).value()));
                assertEquals(requests, d.getSourceTopic());

                ServeMetrics m = loop.metrics();
                assertEquals(2 * PROMPTS.length, m.ok());
                assertEquals(1, m.rejectedCount());
                assertEquals(1, m.deadLetters());
                assertTrue(m.lookups().hotHitRate() > 0 && m.lookups().hotHitRate() < 1, m.report());
                assertTrue(m.latencyPercentile(0.99) >= m.latencyPercentile(0.5));
            }
        }
    }

    /** Prompt i as text (even i) or token ids (odd i), asking for i+1 top tokens and i%3+1 new ones. */
    private static InferenceRequest request(String id, int i, ServingModel model) {
        InferenceRequest.Builder b = InferenceRequest.newBuilder().setRequestId(id).setTopK(i + 1).setMaxNewTokens(i % 3 + 1)
                .setEventTime(Instant.now());
        if (i % 2 == 0) b.setPrompt(PROMPTS[i]).setPromptTokenIds(TokenIds.empty());
        else b.setPromptTokenIds(TokenIds.pack(model.tokenize(PROMPTS[i])));
        return b.build();
    }

    private static void produce(String topic, InferenceRequest r) {
        KAFKA.produce(topic, r.getRequestId().getBytes(StandardCharsets.UTF_8), Codecs.INFERENCE_REQUEST.encode(r));
    }

    private static Map<String, InferenceResponse> responses(String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> recs = KAFKA.consume(topic, count, Duration.ofSeconds(60));
        if (recs.size() < count) fail("only " + recs.size() + " of " + count + " responses arrived");
        Map<String, InferenceResponse> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : recs) {
            InferenceResponse resp = decode(() -> Codecs.INFERENCE_RESPONSE.decode(r.value()));
            assertNull(out.put(resp.getRequestId(), resp), "one response per request: " + resp.getRequestId());
        }
        return out;
    }

    private static void publish(SnapshotDirectory d, EngramSpec spec, long version, long[] hotRows, long[] warmRows) throws Exception {
        SnapshotRows rows = SnapshotRows.full(hotRows.length + warmRows.length);
        for (long r : hotRows) rows.add(RowKey.of(0, r), Tier.HOT_CODE, 1, 1, 0);
        for (long r : warmRows) rows.add(RowKey.of(0, r), Tier.WARM_CODE, 1, 1, 0);
        d.publish(SnapshotMetadata.full(version, version > 1 ? version - 1 : -1, spec.fingerprint(), "", System.currentTimeMillis(),
                SourcePosition.NONE, null, spec.layerIds()), rows.sortByKey(), null, RowLayout.of(spec), WriteOptions.DEFAULT, CoverageCurve.EMPTY);
    }

    private static long[] range(long from, long to) {
        long[] r = new long[(int) (to - from)];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(25);
        }
    }

    interface Decode<T> { T get() throws Exception; }

    private static <T> T decode(Decode<T> d) {
        try {
            return d.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
