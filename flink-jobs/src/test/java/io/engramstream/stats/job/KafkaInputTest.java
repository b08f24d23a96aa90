package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.canon.CanonicalMaps;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusText;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.schemas.InferenceTraffic;
import io.engramstream.schemas.TokenIds;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.JobInput;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import io.engramstream.topics.TopicCatalog;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real (in-process KRaft) broker: corpus tokens (some in chunks), corpus text and
 * inference traffic, plus bad records of every kind. With a task failure mid-stream the counts
 * equal the independent count (inference weighted apart), and exactly the bad records arrive on
 * the dead-letter topic, each with its reason.
 */
class KafkaInputTest {
    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();
    @TempDir Path tmp;

    static final List<String> TOPICS = List.of(TopicCatalog.CORPUS_TOKENS, TopicCatalog.CORPUS_TEXT, TopicCatalog.INFERENCE_TRAFFIC);

    @BeforeAll
    static void topics() {
        KAFKA.createTopic(TopicCatalog.CORPUS_TOKENS, 3);
        KAFKA.createTopic(TopicCatalog.CORPUS_TEXT, 2);
        KAFKA.createTopic(TopicCatalog.INFERENCE_TRAFFIC, 2);
        KAFKA.createTopic(TopicCatalog.DEAD_LETTERS, 1);
    }

    /** What the test produced: documents (raw ids) with their source, and the bad records' kinds. */
    record Produced(List<int[]> docs, List<Boolean> inference, Map<String, Integer> badKinds, long records) {}

    static Produced produce(EngramSpec spec, long seed, String prefix, boolean withBad, List<String> topics) throws Exception {
        String tokensTopic = topics.get(0), textTopic = topics.get(1), trafficTopic = topics.get(2);
        Random rnd = new Random(seed);
        List<int[]> docs = new ArrayList<>();
        List<Boolean> inference = new ArrayList<>();
        Map<String, Integer> bad = new TreeMap<>();
        String fp = CanonicalMaps.forId(StatsJobTesting.MAP_ID).fingerprint();
        long records = 0;
        try (KafkaProducer<byte[], byte[]> p = KAFKA.newProducer(); TextTokenizer tok = TextTokenizers.forId(StatsJobTesting.MAP_ID)) {
            for (int d = 0; d < 150; d++) {
                int[] ids = FileInputTest.randomIds(rnd, 1 + rnd.nextInt(120));
                docs.add(ids);
                inference.add(false);
                String id = prefix + "doc-" + d;
                int chunks = d % 4 == 0 ? 1 + rnd.nextInt(4) : 1, from = 0;
                for (int c = 0; c < chunks; c++) {
                    int to = c == chunks - 1 ? ids.length : Math.min(ids.length, from + rnd.nextInt(30));
                    CorpusTokens r = CorpusTokens.newBuilder().setDocumentId(id).setSource("test").setTokenizerId(StatsJobTesting.MAP_ID)
                            .setCanonicalMapFingerprint(c % 2 == 0 ? fp : null).setTokenIds(TokenIds.pack(Arrays.copyOfRange(ids, from, to)))
                            .setChunkIndex(c).setLastChunk(c == chunks - 1).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + d)).build();
                    p.send(new ProducerRecord<>(tokensTopic, key(id), Codecs.CORPUS_TOKENS.encode(r)));
                    records++;
                    from = to;
                }
            }
            for (int d = 0; d < 60; d++) {
                String text = FileInputTest.sentence(rnd, 3 + rnd.nextInt(40));
                docs.add(tok.encode(text));
                inference.add(false);
                CorpusText r = CorpusText.newBuilder().setDocumentId(prefix + "text-" + d).setSource("test").setText(text)
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + d)).build();
                p.send(new ProducerRecord<>(textTopic, key(prefix + "text-" + d), Codecs.CORPUS_TEXT.encode(r)));
                records++;
            }
            for (int d = 0; d < 60; d++) {
                int[] prompt = FileInputTest.randomIds(rnd, 1 + rnd.nextInt(50)), gen = FileInputTest.randomIds(rnd, rnd.nextInt(30));
                int[] all = Arrays.copyOf(prompt, prompt.length + gen.length);
                System.arraycopy(gen, 0, all, prompt.length, gen.length);
                docs.add(all);
                inference.add(true);
                InferenceTraffic r = InferenceTraffic.newBuilder().setRequestId(prefix + "req-" + d).setSpecFingerprint(spec.fingerprint())
                        .setPromptTokenIds(TokenIds.pack(prompt)).setGeneratedTokenIds(TokenIds.pack(gen))
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + d)).build();
                p.send(new ProducerRecord<>(trafficTopic, key(prefix + "req-" + d), Codecs.INFERENCE_TRAFFIC.encode(r)));
                records++;
            }
            if (withBad) {
                send(p, tokensTopic, "garbage".getBytes(StandardCharsets.UTF_8), bad, "BAD_HEADER");
                send(p, textTopic, new byte[0], bad, "EMPTY");
                send(p, trafficTopic, Codecs.INFERENCE_TRAFFIC.encode(InferenceTraffic.newBuilder().setRequestId("bad-spec")
                        .setSpecFingerprint("0123456789abcdef").setPromptTokenIds(TokenIds.pack(new int[] {1, 2, 3}))
                        .setGeneratedTokenIds(TokenIds.pack(new int[0])).setEventTime(Instant.now()).build()), bad, "SPEC_MISMATCH");
                send(p, tokensTopic, tokensRecord("oov", StatsJobTesting.MAP_ID, null, new int[] {5, 150_000, 7}), bad, "TOKEN_OUT_OF_VOCABULARY");
                send(p, tokensTopic, tokensRecord("o200k", "o200k_base", null, new int[] {5, 6}), bad, "CANONICAL_MAP_MISMATCH");
                send(p, tokensTopic, tokensRecord("fp", StatsJobTesting.MAP_ID, "0000000000000000", new int[] {5, 6}), bad, "CANONICAL_MAP_MISMATCH");
                send(p, tokensTopic, tokensRecord("big", StatsJobTesting.MAP_ID, null, new int[300]), bad, "OVERSIZE");
            }
            p.flush();
        }
        return new Produced(docs, inference, bad, records);
    }

    static byte[] key(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static byte[] tokensRecord(String id, String tokenizer, String fp, int[] ids) {
        return Codecs.CORPUS_TOKENS.encode(CorpusTokens.newBuilder().setDocumentId(id).setSource("test").setTokenizerId(tokenizer)
                .setCanonicalMapFingerprint(fp).setTokenIds(TokenIds.pack(ids)).setChunkIndex(0).setLastChunk(true)
                .setEventTime(Instant.now()).build());
    }

    static void send(KafkaProducer<byte[], byte[]> p, String topic, byte[] value, Map<String, Integer> bad, String kind) {
        p.send(new ProducerRecord<>(topic, key("bad-" + kind), value));
        bad.merge(kind, 1, Integer::sum);
    }

    @Test
    void boundedReplayWithFailureAndDeadLetters() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Produced in = produce(spec, 21, "a-", true, TOPICS);
        Path out = tmp.resolve("out");
        Path marker = tmp.resolve("failed-once");
        StatsSettings settings = StatsJobTesting.settings(spec, out).weights(1.0, 3.0).maxRecordTokens(250)
                // The bounded replay can finish before a first checkpoint on an idle machine, so the failure
                // does not wait for one: recovery may replay from the start, and counts must still be exact.
                // (Restore from a checkpoint: ExactlyOnceTest, FileInputTest, KafkaFaultTest.)
                .decodeDelayMicros(4000).failOnceAfter(3_000, marker.toString()).failWithoutCheckpoint().build();
        JobInput input = JobInput.kafka(KAFKA.bootstrapServers(), TOPICS, "stats-test-a", true);
        StreamExecutionEnvironment env = StatsJobTesting.env(StatsJobTesting.runtime(2, tmp), settings);
        MemoryStatsJob.build(env, input, settings, out.toString(), TopicCatalog.DEAD_LETTERS);
        env.execute("kafka bounded");

        assertTrue(Files.exists(marker), "the injected failure happened");
        RowStatsColumns rows = StatsJobTesting.finalRows(out);
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, in.docs(), in.inference()), rows, 1.0, 3.0);
        StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        int badTotal = in.badKinds().values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(badTotal, s.deadLetters());
        assertEquals(in.records(), s.records());

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(TopicCatalog.DEAD_LETTERS, badTotal + 5, Duration.ofSeconds(5));
        assertEquals(badTotal, dead.size(), "each bad record is one dead letter, once (read_committed)");
        Map<String, Integer> kinds = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            DeadLetter d = Codecs.DEAD_LETTER.decode(r.value());
            kinds.merge(d.getErrorKind().name(), 1, Integer::sum);
            assertTrue(TOPICS.contains(d.getSourceTopic()));
            assertEquals(d.getSourceTopic(), new String(r.key(), StandardCharsets.UTF_8));
            assertTrue(d.getSourceOffset() >= 0 && d.getSourcePartition() >= 0);
            assertTrue(!d.getReason().isBlank());
        }
        assertEquals(in.badKinds(), kinds);
    }

    @Test
    void unboundedRunPublishesAtCheckpoints() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        // Renamed topics: the job recognizes records by their schema fingerprint.
        List<String> topics = List.of("u.tokens", "u.text", "u.traffic");
        for (String t : topics) KAFKA.createTopic(t, 2);
        Produced first = produce(spec, 31, "a-", true, topics);
        Path out = tmp.resolve("out");
        StatsSettings settings = StatsJobTesting.settings(spec, out).publishIntervalMillis(0).maxRecordTokens(250).build();
        KAFKA.createTopic("u.deadletters", 1);
        JobInput input = JobInput.kafka(KAFKA.bootstrapServers(), topics, "stats-test-b", false);
        StreamExecutionEnvironment env = StatsJobTesting.env(StatsJobTesting.runtime(2, tmp), settings);
        MemoryStatsJob.build(env, input, settings, out.toString(), "u.deadletters");
        JobClient job = env.executeAsync("kafka unbounded");
        StatsSummary s = awaitPublication(out, first.records());
        assertTrue(s.tag().startsWith("cp-"), "a checkpoint publication: " + s.tag());
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, first.docs(), first.inference()),
                StatsDirectory.readRows(StatsDirectory.latest(out).orElseThrow()), 1.0, 1.0);
        // More traffic while it runs: a later publication covers both batches.
        Produced second = produce(spec, 32, "b-", false, topics);
        s = awaitPublication(out, first.records() + second.records());
        job.cancel().get(30, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // expected: the job was cancelled; now nothing writes to the temp directory any more
        }
        List<int[]> docs = new ArrayList<>(first.docs());
        docs.addAll(second.docs());
        List<Boolean> inf = new ArrayList<>(first.inference());
        inf.addAll(second.inference());
        assertEquals(first.records() + second.records(), s.records());
        assertEquals(first.badKinds().values().stream().mapToInt(Integer::intValue).sum(), s.deadLetters());
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, docs, inf),
                StatsDirectory.readRows(StatsDirectory.root(out).resolve(s.tag())), 1.0, 1.0);
    }

    static StatsSummary awaitPublication(Path out, long records) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            Optional<Path> pub = StatsDirectory.latest(out);
            if (pub.isPresent()) {
                StatsSummary s = StatsDirectory.readSummary(pub.get());
                if (s.records() >= records) return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no publication with " + records + " records within 90 s");
    }
}
