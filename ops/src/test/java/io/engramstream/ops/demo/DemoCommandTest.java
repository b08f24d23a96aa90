package io.engramstream.ops.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.cli.EngramCli;
import io.engramstream.hash.NgramHasher;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code engram demo --no-kafka} on a small slice with the tiny spec and checks its outputs
 * against counts made here, independently of the job: tokens and distinct rows of the corpus
 * (tokenized, canonicalized and hashed with the core hasher), the tokens the runtime served (from
 * the traffic file) versus what the job counted, the runtime trained and answered on the right
 * snapshot versions, and both snapshots verified by {@code engram snapshot verify}.
 */
class DemoCommandTest {
    @TempDir Path tmp;

    @Test
    void fileOnlyDemoProducesConsistentOutputs() throws Exception {
        Path out = tmp.resolve("out");
        int code = EngramCli.execute("demo", "--no-kafka", "--out", out.toString(), "--spec", "tiny", "--docs", "20",
                "--requests", "4", "--prompt-tokens", "24", "--new-tokens", "4", "--train-steps", "2", "--hidden", "16",
                "--hot-bytes", "4096", "--warm-bytes", "32768", "--parallelism", "1");
        assertEquals(0, code);

        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        EngramSpec spec = EngramSpec.tiny();

        // Corpus: an independent count over the slice the demo wrote (bodies of Europarl lines).
        CanonicalMap canon = CanonicalMaps.forId("deepseek-v3");
        NgramHasher hasher = new NgramHasher(spec);
        Set<Long> corpusRows = new HashSet<>();
        long tokens = 0;
        List<String> lines = Files.readAllLines(out.resolve("corpus").resolve("europarl-slice.lines.txt"));
        assertEquals(20, lines.size());
        try (TextTokenizer tok = TextTokenizers.forId("deepseek-v3")) {
            for (String line : lines) {
                String body = line.split("\t", 3)[2];
                int[] ids = tok.encode(body);
                canon.mapInPlace(ids, 0, ids.length);
                tokens += ids.length;
                long[] keys = new long[spec.numLayers() * ids.length * spec.headsPerLayer()];
                hasher.hashRowKeys(ids, 0, ids.length, keys);
                for (long k : keys) corpusRows.add(k);
            }
        }
        assertEquals(tokens, s.get("corpusTokens").asLong());
        assertEquals(tokens * spec.lookupsPerToken(), s.get("corpusLookups").asLong());
        assertEquals(corpusRows.size(), s.get("corpusDistinctRows").asLong());
        // The job's last statistics (the replay: corpus + served traffic) hold both, each by source.
        StatsSummary job = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        assertEquals(tokens + s.get("trafficTokens").asLong(), job.tokens());
        io.engramstream.stats.RowStatsColumns rows = StatsDirectory.readRows(StatsDirectory.latest(out).orElseThrow());
        long corpusCounts = 0;
        for (int i = 0; i < rows.size(); i++) corpusCounts += rows.corpus(i);
        assertEquals(tokens * spec.lookupsPerToken(), corpusCounts, "the replay counted the corpus exactly once again");
        assertEquals(0, s.get("deadLetters").asLong());

        // Runtime: trained on snapshot v1 with the job's spec; the checkpoint holds the same spec.
        JsonNode training = s.get("training");
        assertEquals(2, training.get("steps").asLong());
        assertEquals(1, training.get("snapshotVersion").asLong());
        assertTrue(training.get("rowsUpdated").asLong() > 0, "training wrote table rows");
        Path step = io.engramstream.model.train.Checkpoint.latest(out.resolve("model"));
        assertEquals(spec.fingerprint(), EngramSpec.load(io.engramstream.model.train.Checkpoint.specFile(step)).fingerprint());

        // Traffic: the served requests (prompt + generated tokens, counted here from the traffic
        // file) are what the job counted, and what snapshot v2's statistics hold as inference lookups.
        long servedTokens = 0;
        for (String line : Files.readAllLines(out.resolve("traffic").resolve("served.jsonl"))) {
            JsonNode t = new ObjectMapper().readTree(line);
            assertEquals("inference", t.get("source").asText());
            servedTokens += t.get("tokens").size();
        }
        assertEquals(4 * (24 + 4), servedTokens, "4 requests of 24 prompt + 4 generated tokens");
        assertEquals(4, s.get("trafficRecords").asLong());
        assertEquals(servedTokens, s.get("servedTokens").asLong());
        assertEquals(servedTokens, s.get("trafficTokens").asLong());
        long trafficLookups = s.get("trafficLookups").asLong();
        assertEquals(servedTokens * spec.lookupsPerToken(), trafficLookups);
        assertEquals(trafficLookups, s.get("mergedInferenceLookups").asLong());
        JsonNode rounds = s.get("rounds");
        assertEquals(2, rounds.size());
        for (int i = 0; i < 2; i++) {
            JsonNode r = rounds.get(i);
            assertEquals(4, r.get("requests").asInt());
            assertEquals(16, r.get("generatedTokens").asLong());
            long served = 0;
            for (JsonNode v : r.get("servedByTier")) served += v.asLong();
            assertEquals(r.get("rowLookups").asLong(), served, "every lookup is served by exactly one tier");
            assertTrue(served >= servedTokens * spec.lookupsPerToken(), "generation looks up at least every served token once");
            for (JsonNode v : r.get("answerSnapshotVersions")) assertEquals(i + 1, v.asLong(), "round " + (i + 1) + " answered on v" + (i + 1));
        }
        assertEquals("1", rounds.get(0).get("snapshot").asText());
        assertEquals("2", rounds.get(1).get("snapshot").asText());

        // Snapshots: two versions, LATEST = 2 with a delta from 1, within the budgets, both verify.
        Path snaps = out.resolve("snapshots");
        SnapshotManifest latest = SnapshotDirectory.readLatest(snaps).orElseThrow();
        assertEquals(2, latest.version());
        assertEquals(1L, latest.previousVersion());
        for (SnapshotManifest m : SnapshotDirectory.listManifests(snaps)) {
            assertTrue(m.source().description().startsWith("statistics final run "), "published by the job: " + m.source().description());
        }
        assertTrue(latest.hotRows() <= 4096 / spec.bytesPerRow() && latest.hotRows() > 0);
        assertTrue(latest.warmRows() <= 32768 / spec.bytesPerRow() && latest.warmRows() > 0);
        for (SnapshotManifest m : SnapshotDirectory.listManifests(snaps)) {
            assertEquals(0, EngramCli.execute("snapshot", "verify", snaps.resolve(m.file()).toString(), "--manifest",
                    snaps.resolve(SnapshotDirectory.manifestFileName(m.version())).toString(), "--spec", "tiny"), "verify v" + m.version());
        }

        // Report: the page exists and every image it shows is there; the sparse table was removed.
        String html = Files.readString(out.resolve("index.html"));
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (img.find()) {
            assertTrue(Files.isRegularFile(out.resolve(img.group(1))), img.group(1));
            images++;
        }
        assertTrue(images > 0, "the report shows plots");
        assertTrue(Files.isRegularFile(out.resolve("report").resolve("index.html")));
        assertTrue(html.contains("training-loss.png"), "the report plots the training loss");
        assertFalse(Files.exists(out.resolve("store").resolve("table.engt")), "the sparse table file is removed at the end");
    }
}
