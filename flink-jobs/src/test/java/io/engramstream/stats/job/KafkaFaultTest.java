package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.TokenIds;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.JobInput;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults around a running job on a real (in-process KRaft) broker: the broker stopped and
 * restarted mid-run, and the statistics directory refusing writes mid-run. In both the job keeps
 * going, nothing partial is ever published, and once the fault is gone a publication holds
 * exactly the independent count of everything produced: nothing lost, nothing counted twice.
 */
class KafkaFaultTest {
    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();
    @TempDir Path tmp;

    /** Documents produced as CorpusTokens records, kept for the independent count. */
    record Batch(List<int[]> docs, long records) {
        Batch plus(Batch o) {
            List<int[]> all = new ArrayList<>(docs);
            all.addAll(o.docs);
            return new Batch(all, records + o.records);
        }
    }

    static Batch produce(String topic, long seed, String prefix, int documents) {
        Random rnd = new Random(seed);
        List<int[]> docs = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.newProducer()) {
            for (int d = 0; d < documents; d++) {
                int[] ids = FileInputTest.randomIds(rnd, 1 + rnd.nextInt(150));
                docs.add(ids);
                String id = prefix + d;
                CorpusTokens r = CorpusTokens.newBuilder().setDocumentId(id).setSource("fault-test").setTokenizerId(StatsJobTesting.MAP_ID)
                        .setTokenIds(TokenIds.pack(ids)).setChunkIndex(0).setLastChunk(true)
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + d)).build();
                p.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), Codecs.CORPUS_TOKENS.encode(r)));
            }
            p.flush();
        }
        return new Batch(docs, documents);
    }

    private JobClient start(EngramSpec spec, Path out, String topic, String group, String deadTopic) throws Exception {
        StatsSettings settings = StatsJobTesting.settings(spec, out).publishIntervalMillis(0).build();
        // Many restart attempts: a broker outage may cost a few failovers, as in production with a restart strategy.
        MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(2, Duration.ofMillis(300), "hashmap",
                tmp.resolve("checkpoints-" + group).toString(), 200, null);
        StreamExecutionEnvironment env = StatsJobTesting.env(rt, settings);
        MemoryStatsJob.build(env, JobInput.kafka(KAFKA.bootstrapServers(), List.of(topic), group, false), settings, out.toString(), deadTopic);
        return env.executeAsync("fault " + group);
    }

    private static void stop(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // expected
        }
    }

    /** Every visible publication is complete: its summary names parts that exist and add up. */
    static void assertOnlyCompletePublications(Path out) throws Exception {
        Optional<Path> latest = StatsDirectory.latest(out);
        if (latest.isEmpty()) return;
        StatsSummary s = StatsDirectory.readSummary(latest.get());
        long rows = 0;
        for (String part : s.parts()) {
            Path f = latest.get().resolve(part);
            assertTrue(Files.isRegularFile(f), "LATEST publication " + s.tag() + " names missing part " + part);
            rows += StatsDirectory.readPart(f).size();
        }
        assertEquals(s.distinctRows(), rows, "rows of " + s.tag());
    }

    @Test
    void brokerStoppedAndRestartedWhileTheJobRunsLosesAndDuplicatesNothing() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        String topic = "fault.restart.tokens", dead = "fault.restart.dead";
        KAFKA.createTopic(topic, 2);
        KAFKA.createTopic(dead, 1);
        Path out = tmp.resolve("out");
        Batch a = produce(topic, 1, "a-", 120);
        JobClient job = start(spec, out, topic, "fault-restart", dead);
        try {
            KafkaInputTest.awaitPublication(out, a.records());

            KAFKA.stopBroker();
            Thread.sleep(5_000); // several checkpoint intervals without a broker
            assertOnlyCompletePublications(out);
            assertTrue(!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState(), "the job survives the outage");
            KAFKA.startBroker();

            Batch all = a.plus(produce(topic, 2, "b-", 120));
            StatsSummary s = KafkaInputTest.awaitPublication(out, all.records());
            assertOnlyCompletePublications(out);
            assertEquals(all.records(), s.records(), "every record counted once");
            assertEquals(0, s.deadLetters());
            StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, all.docs(), null),
                    StatsDirectory.readRows(StatsDirectory.root(out).resolve(s.tag())), 1.0, 1.0);
        } finally {
            stop(job);
        }
    }

    /**
     * The statistics directory refuses writes (here: its staging area is replaced by a file, as
     * any write failure would): the job reports each skipped publication and keeps counting;
     * LATEST keeps naming the last complete publication; when writing works again the next
     * publication holds everything.
     */
    @Test
    void aStatisticsDirectoryThatRefusesWritesSkipsPublicationsButNotCounts() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        String topic = "fault.disk.tokens", dead = "fault.disk.dead";
        KAFKA.createTopic(topic, 2);
        KAFKA.createTopic(dead, 1);
        Path out = tmp.resolve("out");
        Batch a = produce(topic, 3, "a-", 100);
        JobClient job = start(spec, out, topic, "fault-disk", dead);
        try {
            StatsSummary before = KafkaInputTest.awaitPublication(out, a.records());
            Path pending = StatsDirectory.root(out).resolve(".pending");
            for (int attempt = 0; ; attempt++) { // the job may be staging into it right now: retry until the file wins
                try {
                    deleteTree(pending);
                    Files.writeString(pending, "not a directory", java.nio.file.StandardOpenOption.CREATE_NEW); // every staging write now fails
                    break;
                } catch (java.io.IOException raced) {
                    if (attempt > 50) throw raced;
                }
            }
            long failuresBefore = ProgressReporter.snapshot().publicationFailures();
            String latestTag = StatsDirectory.latestTag(out).orElseThrow();

            Batch all = a.plus(produce(topic, 4, "b-", 100));
            long deadline = System.currentTimeMillis() + 60_000;
            while (ProgressReporter.snapshot().publicationFailures() < failuresBefore + 4 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(ProgressReporter.snapshot().publicationFailures() >= failuresBefore + 4, "skipped publications are reported");
            assertTrue(!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState(), "the job keeps running");
            assertEquals(latestTag, StatsDirectory.latestTag(out).orElseThrow(), "nothing new was published");
            assertOnlyCompletePublications(out);
            assertEquals(before.records(), StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow()).records());

            Files.delete(pending); // the disk works again
            StatsSummary s = KafkaInputTest.awaitPublication(out, all.records());
            assertOnlyCompletePublications(out);
            assertEquals(all.records(), s.records());
            StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, all.docs(), null),
                    StatsDirectory.readRows(StatsDirectory.root(out).resolve(s.tag())), 1.0, 1.0);
        } finally {
            stop(job);
        }
    }

    static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
