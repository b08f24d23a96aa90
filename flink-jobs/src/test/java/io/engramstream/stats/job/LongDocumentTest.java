package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.TokenFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10-million-token document among ordinary ones. Under the default record limit (2^20 tokens)
 * it is one OVERSIZE dead letter and everything else is counted exactly; with the limit raised it
 * is counted exactly too (8 x 10^7 lookups, compared with a blockwise independent count), on the
 * tests' 2 GB heap.
 */
class LongDocumentTest {
    @TempDir Path tmp;

    static final int LONG = 10_000_000;

    /** Writes the corpus: 40 short documents, the long one in the middle. */
    private static Path corpus(Path dir, List<int[]> shortDocs, int vocab) throws Exception {
        Random rnd = new Random(77);
        Path f = dir.resolve("long" + TokenFiles.EXTENSION);
        try (TokenFiles.Writer w = TokenFiles.writer(f)) {
            for (int d = 0; d < 40; d++) {
                if (d == 20) w.write(longDoc(vocab), 0, LONG);
                int[] ids = FileInputTest.randomIds(rnd, 1 + rnd.nextInt(200));
                shortDocs.add(ids);
                w.write(ids, 0, ids.length);
            }
        }
        return f;
    }

    private static int[] longDoc(int vocab) {
        int[] ids = new int[LONG];
        Random rnd = new Random(78);
        for (int i = 0; i < LONG; i++) ids[i] = rnd.nextInt(rnd.nextInt(8) == 0 ? vocab : 2000);
        return ids;
    }

    @Test
    void underTheDefaultLimitItIsOneOversizeDeadLetterAndTheRestIsExact() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        List<int[]> shortDocs = new ArrayList<>();
        int vocab = CanonicalMaps.forId(StatsJobTesting.MAP_ID).oldVocabSize();
        Path input = corpus(tmp, shortDocs, vocab);
        Path out = tmp.resolve("out");
        StatsSettings settings = StatsJobTesting.settings(spec, out).build();
        StatsJobTesting.run(JobInput.files(List.of(input.toString()), "tokens", 1), settings, StatsJobTesting.runtime(2, tmp));

        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, shortDocs, null), StatsJobTesting.finalRows(out), 1.0, 1.0);
        StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        assertEquals(1, s.deadLetters());
        assertEquals(shortDocs.size(), s.records());
        List<JsonNode> dead = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out.resolve("dead-letters"))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                for (String l : Files.readAllLines(f)) dead.add(new ObjectMapper().readTree(l));
            }
        }
        assertEquals(1, dead.size());
        assertEquals("OVERSIZE", dead.get(0).get("errorKind").asText());
        assertTrue(dead.get(0).get("reason").asText().contains(Integer.toString(LONG)), dead.get(0).toString());
    }

    @Test
    void withTheLimitRaisedItIsCountedExactly() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        List<int[]> shortDocs = new ArrayList<>();
        int vocab = CanonicalMaps.forId(StatsJobTesting.MAP_ID).oldVocabSize();
        Path input = corpus(tmp, shortDocs, vocab);
        Path out = tmp.resolve("out");
        StatsSettings settings = StatsJobTesting.settings(spec, out).maxRecordTokens(16 << 20).build();
        StatsJobTesting.run(JobInput.files(List.of(input.toString()), "tokens", 1), settings, StatsJobTesting.runtime(2, tmp));

        // Independent count, dense: short documents whole, the long one in blocks hashed with their
        // (maxNgram - 1)-token left context, whose own outputs are dropped.
        int[] lookup = CanonicalMaps.forId(spec.canonicalMapId()).toArray();
        NgramHasher hasher = new NgramHasher(spec);
        long rowsPerLayer = spec.rowsPerLayer(0);
        for (int l = 1; l < spec.numLayers(); l++) rowsPerLayer = Math.max(rowsPerLayer, spec.rowsPerLayer(l));
        long[] counts = new long[(int) (spec.numLayers() * rowsPerLayer)];
        for (int[] d : shortDocs) count(hasher, spec, canon(d, 0, d.length, lookup), 0, counts, rowsPerLayer);
        int[] big = canon(longDoc(vocab), 0, LONG, lookup);
        int ctx = spec.maxNgram() - 1, block = 1 << 16;
        for (int s = 0; s < LONG; s += block) {
            int from = Math.max(0, s - ctx), to = Math.min(LONG, s + block);
            int[] slice = java.util.Arrays.copyOfRange(big, from, to);
            count(hasher, spec, slice, s - from, counts, rowsPerLayer);
        }

        RowStatsColumns rows = StatsJobTesting.finalRows(out);
        long distinct = 0, total = 0;
        for (long c : counts) if (c > 0) { distinct++; total += c; }
        assertEquals(distinct, rows.size(), "distinct rows");
        for (int r = 0; r < rows.size(); r++) {
            long k = rows.key(r);
            long e = counts[(int) (RowKey.layerIndex(k) * rowsPerLayer + RowKey.row(k))];
            if (e != rows.corpus(r)) throw new AssertionError(RowKey.toString(k) + ": expected " + e + ", got " + rows.corpus(r));
        }
        StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        assertEquals(0, s.deadLetters());
        assertEquals(total, s.lookups());
        assertEquals((long) LONG * spec.lookupsPerToken() + shortDocs.stream().mapToLong(d -> d.length).sum() * spec.lookupsPerToken(), total);
    }

    private static int[] canon(int[] raw, int from, int to, int[] lookup) {
        int[] c = new int[to - from];
        for (int i = from; i < to; i++) c[i - from] = lookup[raw[i]];
        return c;
    }

    /** Adds the lookups of positions {@code skip..} of {@code tokens} (hashed as a document start) to {@code counts}. */
    private static void count(NgramHasher hasher, EngramSpec spec, int[] tokens, int skip, long[] counts, long rowsPerLayer) {
        long[] keys = new long[(int) hasher.outputLength(tokens.length)];
        hasher.hashRowKeys(tokens, 0, tokens.length, keys);
        int perToken = spec.headsPerLayer();
        for (int layer = 0; layer < spec.numLayers(); layer++) {
            for (int t = skip; t < tokens.length; t++) {
                for (int j = 0; j < perToken; j++) {
                    long k = keys[(layer * tokens.length + t) * perToken + j];
                    counts[(int) (RowKey.layerIndex(k) * rowsPerLayer + RowKey.row(k))]++;
                }
            }
        }
    }
}
