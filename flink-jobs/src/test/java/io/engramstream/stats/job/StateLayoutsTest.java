package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.ZipfChunks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every state representation counts the same: shard tables on the heap backend (dense
 * pre-aggregation), one MapState entry per row on RocksDB with incremental checkpoints (sparse
 * pre-aggregation), and shard tables on RocksDB. Each equals the independent count.
 */
class StateLayoutsTest {
    @TempDir Path tmp;

    @Test
    void allLayoutsAndBackendsAgreeWithTheIndependentCount() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        int records = 120, chunk = 500;
        JobInput input = JobInput.zipf((long) records * chunk, 1.1, 9, chunk, 0);
        ZipfChunks gen = new ZipfChunks(StatsJobTesting.settings(spec, tmp).build().canonicalLookup.length, 1.1, 9, chunk);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < records; i++) docs.add(gen.generate(i));
        Map<Long, long[]> expected = StatsJobTesting.expectedCounts(spec, docs, null);
        String[][] variants = {
                {"hashmap", StatsSettings.LAYOUT_SHARD_TABLE, "dense"},
                {"rocksdb", StatsSettings.LAYOUT_ROW_MAP, "sparse"},
                {"rocksdb", StatsSettings.LAYOUT_SHARD_TABLE, "dense"},
                {"hashmap", StatsSettings.LAYOUT_ROW_MAP, "sparse"},
        };
        for (String[] v : variants) {
            Path out = tmp.resolve(String.join("-", v));
            StatsSettings settings = StatsJobTesting.settings(spec, out).layout(v[1])
                    .denseMaxRows(v[2].equals("dense") ? Long.MAX_VALUE : 0).sparseEntries(1 << 16).build();
            MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(2, Duration.ofMillis(300), v[0], tmp.resolve("cp").toString(), 0, null);
            StatsJobTesting.run(input, settings, rt);
            StatsJobTesting.assertCounts(expected, StatsJobTesting.finalRows(out), 1.0, 1.0);
        }
        assertTrue(expected.size() > 1000);
    }
}
