package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.SnapshotManifests;
import io.engramstream.snapshot.ManifestOutbox;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.ZipfChunks;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job announces its snapshots on a compacted manifest topic (real in-process KRaft broker), and
 * its publishing task dies once at each step of a publication: after the snapshot was written under
 * its temporary name, after the rename of LATEST, after the manifest was sent (before the job
 * recorded it as sent). Flink restarts it from the last checkpoint each time. In the end the final
 * statistics are exact, LATEST verifies, no temporary file is left, and the topic's last manifest
 * (what compaction keeps) is LATEST; announcements never go back in version.
 */
class InJobManifestTest {
    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();
    @TempDir Path tmp;

    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = KAFKA.newConsumer("check-" + System.nanoTime())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 20_000;
            while (c.position(tp) < end && System.currentTimeMillis() < deadline) c.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    @Test
    void manifestsReachTheTopicAcrossCrashesAtEveryPublicationStep() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        String topic = KafkaTestCluster.uniqueTopic("manifests");
        KAFKA.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
        Path out = tmp.resolve("out"), snapshots = out.resolve("snapshots");
        Map<String, String> client = new TreeMap<>();
        KAFKA.clientProperties().forEach((k, v) -> client.put(k.toString(), v.toString()));
        int records = 160, chunk = 250;
        StatsSettings settings = StatsJobTesting.settings(spec, out).publishIntervalMillis(-1).publishEveryTokens(10_000)
                .snapshots(snapshots.toString(), Map.of("snapshot.keep", "100",
                        "placement.hot-bytes", Long.toString(40L * spec.bytesPerRow()),
                        "placement.warm-bytes", Long.toString(160L * spec.bytesPerRow())))
                .manifests(client, topic)
                .crashPublicationAt(tmp.resolve("crashes").toString(), "prepared", "committed", "sent")
                .build();
        MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(2, Duration.ofMillis(150), "hashmap",
                tmp.resolve("checkpoints").toString(), 8, null);
        StatsJobTesting.run(JobInput.zipf((long) records * chunk, 1.2, 11, chunk, 60), settings, rt);

        for (String step : List.of("prepared", "committed", "sent")) {
            assertTrue(Files.exists(tmp.resolve("crashes").resolve("crashed-at-" + step)), "the task died after step " + step);
        }
        ZipfChunks gen = new ZipfChunks(settings.canonicalLookup.length, 1.2, 11, chunk);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < records; i++) docs.add(gen.generate(i));
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, docs, null), StatsJobTesting.finalRows(out), 1.0, 1.0);

        SnapshotDirectory dir = new SnapshotDirectory(snapshots, 100);
        SnapshotManifest latest = dir.latest().orElseThrow();
        assertEquals(io.engramstream.placement.StatsSnapshotPublisher.source("final", settings.runId), latest.source().description());
        dir.readLatestSnapshot().orElseThrow();   // size and sha256 verified
        try (Stream<Path> s = Files.list(snapshots)) {
            List<String> temps = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".tmp")).toList();
            assertTrue(temps.isEmpty(), "temporary files left: " + temps);
        }

        List<ConsumerRecord<byte[], byte[]>> recs = readAll(topic);
        assertTrue(recs.size() >= 2, "manifests on the topic: " + recs.size());
        long prev = 0;
        for (ConsumerRecord<byte[], byte[]> r : recs) {
            assertEquals(spec.fingerprint(), new String(r.key(), StandardCharsets.UTF_8), "keyed by spec fingerprint");
            SnapshotManifest m = SnapshotManifests.fromAvro(Codecs.SNAPSHOT_MANIFEST.decode(r.value()));
            assertTrue(m.version() >= prev, "announcements go back from " + prev + " to " + m.version());
            prev = m.version();
            // Every announced version was published (a manifest on disk or LATEST names it with the same sha256).
            SnapshotManifest onDisk = dir.manifests().stream().filter(x -> x.version() == m.version()).findFirst().orElseThrow();
            assertEquals(onDisk.sha256(), m.sha256(), "announced version " + m.version());
        }
        SnapshotManifest last = SnapshotManifests.fromAvro(Codecs.SNAPSHOT_MANIFEST.decode(recs.get(recs.size() - 1).value()));
        assertEquals(latest.version(), last.version(), "the topic's last manifest is LATEST");
        assertEquals(latest.sha256(), last.sha256());
        assertEquals(latest.version(), ManifestOutbox.lastSent(snapshots).orElseThrow().version(), "recorded as sent");
    }

    @Test
    void engramRunWithKafkaAnnouncesItsSnapshot() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Path specFile = tmp.resolve("tiny-cl100k.json");
        Files.writeString(specFile, spec.toJson());
        String input = KafkaTestCluster.uniqueTopic("tokens"), dead = KafkaTestCluster.uniqueTopic("dead");
        String manifests = KafkaTestCluster.uniqueTopic("manifests");
        KAFKA.createTopic(input, 1);
        KAFKA.createTopic(dead, 1);
        KAFKA.createTopic(manifests, 1, Map.of("cleanup.policy", "compact"));
        java.util.Random rnd = new java.util.Random(3);
        try (var p = KAFKA.newProducer()) {
            for (int d = 0; d < 40; d++) {
                var r = io.engramstream.schemas.CorpusTokens.newBuilder().setDocumentId("d" + d).setSource("test")
                        .setTokenizerId(StatsJobTesting.MAP_ID).setTokenIds(io.engramstream.schemas.TokenIds.pack(FileInputTest.randomIds(rnd, 80)))
                        .setChunkIndex(0).setLastChunk(true).setEventTime(java.time.Instant.ofEpochMilli(1_700_000_000_000L + d)).build();
                p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(input, ("d" + d).getBytes(StandardCharsets.UTF_8),
                        Codecs.CORPUS_TOKENS.encode(r)));
            }
            p.flush();
        }
        Path props = tmp.resolve("client.properties");
        Files.writeString(props, "client.id=engram-run-test\n");   // a client setting that must reach the manifest producer too
        Path out = tmp.resolve("run-out");
        String printed = CommandsTest.capture(0, "run", "--kafka", KAFKA.bootstrapServers(), "--kafka-properties", props.toString(),
                "--kafka-bounded", "true", "--kafka-topics", input, "--kafka-group", "run-test", "--dead-letter-topic", dead,
                "--manifest-topic", manifests, "--spec", specFile.toString(), "--out", out.toString(), "--quiet", "--parallelism", "1",
                "--checkpoint-interval", "300ms", "--shards", "8", "--placement.hot-bytes", Long.toString(20L * spec.bytesPerRow()));
        SnapshotManifest latest = SnapshotDirectory.readLatest(out.resolve("snapshots")).orElseThrow();
        assertTrue(printed.contains("manifest v" + latest.version() + " announced on " + manifests), printed);
        List<ConsumerRecord<byte[], byte[]>> recs = readAll(manifests);
        assertEquals(1, recs.size());
        SnapshotManifest sent = SnapshotManifests.fromAvro(Codecs.SNAPSHOT_MANIFEST.decode(recs.get(0).value()));
        assertEquals(latest.sha256(), sent.sha256());
        assertEquals(20, sent.hotRows());
    }
}
