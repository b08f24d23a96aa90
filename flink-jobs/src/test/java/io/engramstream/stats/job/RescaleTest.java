package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsPartHeader;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.ZipfChunks;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoint at parallelism 2, restore at 1, savepoint, restore at 2 and finish: the statistics
 * restored at each new parallelism are identical (every row: counts, score bits, last access) to
 * those in the savepoint, and the final statistics equal the independent count.
 */
class RescaleTest {
    @TempDir Path tmp;

    @Test
    void twoToOneToTwo() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        int records = 500, chunk = 400;
        JobInput input = JobInput.zipf((long) records * chunk, 1.2, 3, chunk, 120);
        Path out = tmp.resolve("out");
        Path[] dumps = {tmp.resolve("dumpA"), tmp.resolve("dumpB"), tmp.resolve("dumpC")};
        int[] parallelism = {2, 1, 2};
        String savepoint = null;
        for (int phase = 0; phase < 3; phase++) {
            StatsSettings settings = StatsJobTesting.settings(spec, out).halfLife(20_000).weights(1.0, 2.0)
                    .dumpDir(dumps[phase].toString()).build();
            MemoryStatsJob.Runtime rt = StatsJobTesting.runtime(parallelism[phase], tmp).withSavepoint(savepoint);
            StreamExecutionEnvironment env = StatsJobTesting.env(rt, settings);
            MemoryStatsJob.build(env, input, settings, out.toString(), "engram.deadletters");
            JobClient job = env.executeAsync("rescale phase " + phase);
            if (phase < 2) {
                awaitTokens(40_000);
                savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
            } else {
                job.getJobExecutionResult().get(120, TimeUnit.SECONDS);
            }
        }
        // What each savepoint held (published by the savepoint's own snapshot) == what the next phase restored.
        for (int phase = 0; phase < 2; phase++) {
            Path saved = newestCheckpointPublication(dumps[phase]);
            String tag = saved.getFileName().toString();
            Path restored = StatsDirectory.root(dumps[phase + 1]).resolve("restore-" + tag);
            assertTrue(Files.exists(restored.resolve("summary.json")), "restore dump for " + tag);
            assertEquals(parallelism[phase], StatsDirectory.readSummary(saved).parts().size());
            assertEquals(parallelism[phase + 1], StatsDirectory.readSummary(restored).parts().size());
            RowStatsColumns a = StatsDirectory.readRows(saved), b = StatsDirectory.readRows(restored);
            assertTrue(a.size() > 0);
            StatsJobTesting.assertSameRows(a, b, "phase " + phase + " -> " + (phase + 1));
            assertEquals(totals(saved), totals(restored), "totals survive the rescale");
        }
        ZipfChunks gen = new ZipfChunks(StatsJobTesting.settings(spec, out).build().canonicalLookup.length, 1.2, 3, chunk);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < records; i++) docs.add(gen.generate(i));
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, docs, null), StatsJobTesting.finalRows(out), Double.NaN, Double.NaN);
    }

    static List<Long> totals(Path publication) throws Exception {
        long tokens = 0, lookups = 0, records = 0;
        for (Path f : StatsDirectory.partFiles(publication)) {
            StatsPartHeader h = StatsDirectory.readHeader(f);
            tokens += h.tokens();
            lookups += h.lookups();
            records += h.records();
        }
        return List.of(tokens, lookups, records);
    }

    static Path newestCheckpointPublication(Path dump) throws Exception {
        Path newest = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(StatsDirectory.root(dump), "cp-*")) {
            for (Path p : ds) {
                if (Files.exists(p.resolve("summary.json")) && (newest == null || p.getFileName().toString().compareTo(newest.getFileName().toString()) > 0)) newest = p;
            }
        }
        assertTrue(newest != null, "a checkpoint publication in " + dump);
        return newest;
    }

    static void awaitTokens(long atLeast) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (ProgressReporter.snapshot().tokens() < atLeast) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("job did not reach " + atLeast + " tokens");
            Thread.sleep(50);
        }
    }
}
