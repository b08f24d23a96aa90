package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.input.JobInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Shared pieces of the job tests: a small spec on a tokenizer that needs no download, runs, and the independent count. */
final class StatsJobTesting {
    private StatsJobTesting() {}

    static final String MAP_ID = "cl100k_base";

    /** The tiny preset's shape (2 layers, orders 2-3, 2 heads: 8 lookups per token, ~8,100 rows) on cl100k. */
    static EngramSpec tinySpec() {
        CanonicalMap map = CanonicalMaps.forId(MAP_ID);
        return EngramSpec.tiny().toBuilder().name("tiny-cl100k").canonicalMapId(MAP_ID)
                .compressedVocabSize(map.canonicalVocabSize()).build();
    }

    static StatsSettings.Builder settings(EngramSpec spec, Path out) {
        return StatsSettings.builder(spec).shards(16).halfLife(0).outDir(out.toString()).topK(64, 100);
    }

    static MemoryStatsJob.Runtime runtime(int parallelism, Path work) {
        return new MemoryStatsJob.Runtime(parallelism, Duration.ofMillis(200), "hashmap", work.resolve("checkpoints").toString(), 3, null);
    }

    static StreamExecutionEnvironment env(MemoryStatsJob.Runtime rt, StatsSettings settings) {
        Configuration conf = MemoryStatsJob.configuration(rt, settings);
        return StreamExecutionEnvironment.createLocalEnvironment(rt.parallelism(), conf);
    }

    static JobExecutionResult run(JobInput input, StatsSettings settings, MemoryStatsJob.Runtime rt) throws Exception {
        StreamExecutionEnvironment env = env(rt, settings);
        MemoryStatsJob.build(env, input, settings, settings.outDir, "engram.deadletters");
        return env.execute("test " + input.describe());
    }

    /**
     * The independent count: canonicalize each document with the canonical map and hash it whole
     * with the core NgramHasher, in a plain loop; row key -> {corpus, inference}.
     */
    static Map<Long, long[]> expectedCounts(EngramSpec spec, List<int[]> rawDocs, List<Boolean> inference) {
        CanonicalMap map = CanonicalMaps.forId(spec.canonicalMapId());
        NgramHasher hasher = new NgramHasher(spec);
        Map<Long, long[]> counts = new HashMap<>();
        for (int d = 0; d < rawDocs.size(); d++) {
            int[] raw = rawDocs.get(d);
            int[] canon = new int[raw.length];
            for (int i = 0; i < raw.length; i++) canon[i] = map.map(raw[i]);
            long[] keys = new long[(int) hasher.outputLength(raw.length)];
            hasher.hashRowKeys(canon, 0, canon.length, keys);
            int src = inference != null && inference.get(d) ? 1 : 0;
            for (long k : keys) counts.computeIfAbsent(k, x -> new long[2])[src]++;
        }
        return counts;
    }

    static RowStatsColumns finalRows(Path out) throws Exception {
        Path pub = StatsDirectory.root(out).resolve(StatsDirectory.FINAL_TAG);
        return StatsDirectory.readRows(pub);
    }

    /** Row-by-row equality of counts; with no decay the score must equal the weighted count exactly. */
    static void assertCounts(Map<Long, long[]> expected, RowStatsColumns rows, double corpusWeight, double inferenceWeight) {
        assertEquals(expected.size(), rows.size(), "distinct rows");
        int wrong = 0;
        StringBuilder first = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            long[] e = expected.get(rows.key(r));
            if (e == null || e[0] != rows.corpus(r) || e[1] != rows.inference(r)) {
                if (wrong++ < 5) first.append(RowKey.toString(rows.key(r))).append(" expected ")
                        .append(e == null ? "absent" : e[0] + "/" + e[1]).append(" got ").append(rows.corpus(r)).append('/')
                        .append(rows.inference(r)).append("; ");
                continue;
            }
            double score = rows.corpus(r) * corpusWeight + rows.inference(r) * inferenceWeight;
            if (!Double.isNaN(corpusWeight) && rows.scoreAtLast(r) != score) {
                if (wrong++ < 5) first.append("score of ").append(RowKey.toString(rows.key(r))).append(' ').append(rows.scoreAtLast(r))
                        .append(" != ").append(score).append("; ");
            }
        }
        if (wrong > 0) fail(wrong + " rows differ from the independent count: " + first);
        assertTrue(rows.isSortedByKey());
    }

    /** Two publications hold exactly the same rows: keys, counts, score bits and last access. */
    static void assertSameRows(RowStatsColumns a, RowStatsColumns b, String what) {
        assertEquals(a.size(), b.size(), what + ": rows");
        for (int r = 0; r < a.size(); r++) {
            if (a.key(r) != b.key(r) || a.corpus(r) != b.corpus(r) || a.inference(r) != b.inference(r)
                    || Double.doubleToLongBits(a.scoreAtLast(r)) != Double.doubleToLongBits(b.scoreAtLast(r)) || a.last(r) != b.last(r)) {
                fail(what + ": row " + r + " differs: " + RowKey.toString(a.key(r)) + " " + a.corpus(r) + "/" + a.inference(r) + "/"
                        + a.scoreAtLast(r) + "/" + a.last(r) + " vs " + RowKey.toString(b.key(r)) + " " + b.corpus(r) + "/"
                        + b.inference(r) + "/" + b.scoreAtLast(r) + "/" + b.last(r));
            }
        }
    }

    static long total(Map<Long, long[]> counts) {
        long t = 0;
        for (long[] c : counts.values()) t += c[0] + c[1];
        return t;
    }
}
