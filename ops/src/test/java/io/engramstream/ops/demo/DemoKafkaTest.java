package io.engramstream.ops.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.EngramCli;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code engram demo} on its Kafka path (its own KRaft broker in a separate JVM, the job on
 * in-process MiniClusters reading the topics, the runtime serving requests from the request
 * topic) with the tiny spec and a 20-document slice, and checks the loop closes: snapshot v1, which
 * the job published from the corpus statistics, is what the runtime trained and answered round 1 on; the job counted exactly the
 * tokens the runtime answered (prompts + generated tokens, from the responses the demo read back)
 * from the InferenceTraffic topic, and the corpus again exactly, in its replay of both topics;
 * snapshot v2 holds those lookups as inference counts and the
 * runtime answered round 2 on it; the runtime's Prometheus endpoint answered while it served; the
 * report is written; and the broker process and the metrics endpoint are gone.
 */
class DemoKafkaTest {
    @TempDir Path tmp;

    @Test
    @Timeout(240)
    void kafkaPathClosesTheLoopAndStopsTheBroker() throws Exception {
        Path out = tmp.resolve("out");
        int requests = 4, prompt = 24, generated = 4;
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // Scrape the runtime's metrics endpoint while the demo runs; keep the last good answer.
        AtomicReference<String> lastScrape = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        Thread scraper = new Thread(() -> {
            while (!done.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) lastScrape.set(r.body());
                } catch (Exception notUpYet) {
                    // the endpoint exists only while the runtime serves
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "metrics-scraper");
        scraper.setDaemon(true);
        scraper.start();
        int code;
        try {
            code = EngramCli.execute("demo", "--out", out.toString(), "--spec", "tiny", "--docs", "20",
                    "--requests", Integer.toString(requests), "--prompt-tokens", Integer.toString(prompt), "--new-tokens", Integer.toString(generated),
                    "--train-steps", "2", "--hidden", "16", "--hot-bytes", "4096", "--warm-bytes", "32768", "--parallelism", "1",
                    "--metrics-port", Integer.toString(port));
        } finally {
            done.set(true);
            scraper.join(10_000);
        }
        assertEquals(0, code);

        // The runtime's endpoint answered while it served (requests answered, a snapshot in force) and is closed now.
        String scraped = lastScrape.get();
        assertTrue(scraped != null, "the metrics endpoint was never reachable");
        assertTrue(scraped.contains("engram_serve_requests_total{outcome=\"ok\"}"), scraped);
        java.util.regex.Matcher ok = java.util.regex.Pattern.compile("engram_serve_requests_total\\{outcome=\"ok\"\\} (\\d+)").matcher(scraped);
        assertTrue(ok.find() && Long.parseLong(ok.group(1)) >= requests, "served requests visible in the scrape: " + scraped);
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("engram_store_snapshot_version (\\d+)").matcher(scraped);
        assertTrue(version.find() && Long.parseLong(version.group(1)) >= 1, "snapshot version visible in the scrape");
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            throw new AssertionError("the metrics endpoint still listens on " + port);
        } catch (ConnectException closed) {
            // expected: stopped with the runtime
        }
        EngramSpec spec = EngramSpec.tiny();
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("kafka", s.get("mode").asText());

        // Everything it started is stopped: the broker JVM is gone, and its pid file with it.
        long pid = s.get("brokerPid").asLong();
        assertTrue(pid > 0);
        Optional<ProcessHandle> broker = ProcessHandle.of(pid);
        assertFalse(broker.isPresent() && broker.get().isAlive(), "broker process " + pid + " still runs");

        // The corpus went through Kafka: the job counted every produced document, none dead-lettered.
        long corpusTokens = s.get("corpusTokens").asLong();
        assertEquals(corpusTokens * spec.lookupsPerToken(), s.get("corpusLookups").asLong());
        assertEquals(0, s.get("deadLetters").asLong());

        // Snapshots: v1 (corpus) then v2 (corpus + traffic, a delta from v1), both of the job's spec.
        Path snaps = out.resolve("snapshots");
        List<SnapshotManifest> manifests = SnapshotDirectory.listManifests(snaps);
        assertEquals(List.of(1L, 2L), manifests.stream().map(SnapshotManifest::version).toList());
        for (SnapshotManifest m : manifests) assertEquals(spec.fingerprint(), m.specFingerprint());
        assertEquals(1L, manifests.get(1).previousVersion());
        // Both are the job's own in-job publications, from the final statistics of two different runs.
        for (SnapshotManifest m : manifests) assertTrue(m.source().description().startsWith("statistics final run "), m.source().description());
        assertTrue(!manifests.get(0).source().description().equals(manifests.get(1).source().description()));

        // The runtime trained on v1 and answered round 1 on v1, round 2 on v2. On this path its store
        // follows only the manifest topic (no polling), so the swap also shows the job announced v2.
        assertEquals(1, s.get("training").get("snapshotVersion").asLong());
        assertEquals(2, s.get("training").get("steps").asLong());
        JsonNode rounds = s.get("rounds");
        assertEquals(2, rounds.size());
        for (int i = 0; i < 2; i++) {
            JsonNode versions = rounds.get(i).get("answerSnapshotVersions");
            assertEquals(requests, versions.size());
            for (JsonNode v : versions) assertEquals(i + 1, v.asLong(), "round " + (i + 1) + " answered on snapshot v" + (i + 1));
            assertEquals((long) requests * generated, rounds.get(i).get("generatedTokens").asLong());
        }
        assertTrue(s.get("swaps").asLong() >= 2, "seeded with v1, swapped to v2");
        assertEquals(0, s.get("rejectedSnapshots").asLong());

        // The traffic: what the demo read back from the response topic (prompt + generated tokens per
        // request), counted here, is what the job counted from the InferenceTraffic topic.
        long served = 0;
        int lines = 0;
        for (String line : Files.readAllLines(out.resolve("traffic").resolve("served.jsonl"))) {
            served += new ObjectMapper().readTree(line).get("tokens").size();
            lines++;
        }
        assertEquals(requests, lines);
        assertEquals((long) requests * (prompt + generated), served);
        // The job's last run replayed both topics: the 20 corpus documents again (counted exactly as
        // before) and the 4 traffic records, each lookup under its source.
        StatsSummary all = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        assertEquals(20 + requests, all.records());
        assertEquals(corpusTokens + served, all.tokens());
        RowStatsColumns rows = StatsDirectory.readRows(StatsDirectory.latest(out).orElseThrow());
        long inference = 0, corpusCounts = 0;
        for (int i = 0; i < rows.size(); i++) {
            inference += rows.inference(i);
            corpusCounts += rows.corpus(i);
        }
        assertEquals(served * spec.lookupsPerToken(), inference, "every served token's lookups counted as inference traffic");
        assertEquals(corpusTokens * spec.lookupsPerToken(), corpusCounts, "the corpus replay counted exactly once again");
        assertEquals(served * spec.lookupsPerToken(), s.get("mergedInferenceLookups").asLong(), "and snapshot v2 was placed from them");

        // The runtime trained on the corpus as it read it from the corpus topic: every produced document.
        assertEquals(20, Files.readAllLines(out.resolve("runtime").resolve("corpus-from-topic.txt")).size());

        // Report files.
        assertTrue(Files.isRegularFile(out.resolve("index.html")));
        assertTrue(Files.isRegularFile(out.resolve("report").resolve("index.html")));
        assertTrue(Files.isRegularFile(out.resolve("model").resolve("training-loss.png")));
        assertFalse(Files.exists(out.resolve("store").resolve("table.engt")));
    }
}
