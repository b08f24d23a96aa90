package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.ZipfChunks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publication triggers fire at the same checkpoint in every statistics subtask, so every staged
 * publication completes: with parallelism 2 and "every N tokens", each checkpoint snapshot reflects
 * the exact job-wide token count at a barrier that entered a new multiple of N, and their number
 * follows tokens / N. A snapshot directory that refuses writes is reported and costs nothing else.
 */
class PublicationTriggersTest {
    @TempDir Path tmp;

    static final int RECORDS = 240, CHUNK = 250;
    static final long N = 10_000;   // 60,000 tokens: 6 multiples of N

    static List<int[]> docs(StatsSettings settings) {
        ZipfChunks gen = new ZipfChunks(settings.canonicalLookup.length, 1.2, 7, CHUNK);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < RECORDS; i++) docs.add(gen.generate(i));
        return docs;
    }

    /** What the metrics showed while the job ran (they vanish with it). */
    record Seen(long publicationFailures, long checkpoints) {}

    /** Runs to the end, reporting the largest publicationFailures and completed-checkpoint metrics seen while it ran. */
    static Seen run(StatsSettings settings, Path work) throws Exception {
        MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(2, java.time.Duration.ofMillis(150), "hashmap",
                work.resolve("checkpoints").toString(), 0, null);
        StreamExecutionEnvironment env = StatsJobTesting.env(rt, settings);
        // ~60 records/s: about 4 s of input, so checkpoints fall between the multiples of N.
        MemoryStatsJob.build(env, JobInput.zipf((long) RECORDS * CHUNK, 1.2, 7, CHUNK, 60), settings, settings.outDir, "engram.deadletters");
        JobClient job = env.executeAsync("triggers");
        long failures = 0, checkpoints = 0;
        var result = job.getJobExecutionResult();   // (the local cluster goes away with the job: poll the future, not the cluster)
        while (!result.isDone()) {
            ProgressReporter.Snapshot p = ProgressReporter.snapshot();
            failures = Math.max(failures, p.publicationFailures());
            checkpoints = Math.max(checkpoints, p.checkpoints());
            Thread.sleep(50);
        }
        result.get();
        return new Seen(failures, checkpoints);
    }

    @Test
    void everyNTokensPublishesCompleteSetsAtConsistentCheckpoints() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Path out = tmp.resolve("out"), snapshots = out.resolve("snapshots");
        StatsSettings settings = StatsJobTesting.settings(spec, out).publishIntervalMillis(-1).publishEveryTokens(N)
                .snapshots(snapshots.toString(), Map.of("snapshot.keep", "100",
                        "placement.hot-bytes", Long.toString(50L * spec.bytesPerRow()),
                        "placement.warm-bytes", Long.toString(200L * spec.bytesPerRow())))
                .build();
        Seen seen = run(settings, tmp);
        assertEquals(0, seen.publicationFailures(), "no publication failed");

        long total = (long) RECORDS * CHUNK;
        List<SnapshotManifest> all = SnapshotDirectory.listManifests(snapshots);
        List<SnapshotManifest> atCheckpoints = all.stream().filter(m -> m.source().description().startsWith("statistics cp-")).toList();
        SnapshotManifest last = all.get(all.size() - 1);
        assertEquals(io.engramstream.placement.StatsSnapshotPublisher.source("final", settings.runId), last.source().description(), "the end of input publishes last");
        assertEquals(total, last.source().tokens());
        long prevBucket = 0;
        for (SnapshotManifest m : atCheckpoints) {
            long tokens = m.source().tokens();
            assertTrue(tokens > 0 && tokens <= total, m.source().toString());
            assertTrue(tokens / N > prevBucket, "snapshot " + m.version() + " at " + tokens + " tokens did not enter a new multiple of "
                    + N + " (previous " + prevBucket + ")");
            prevBucket = tokens / N;
        }
        // One publication per multiple of N crossed at a checkpoint: 6 multiples (the last may come with the end of input),
        // two crossed between the same two checkpoints count once. When checkpoints came at least every N/2 tokens on
        // average (a loaded machine can stall them), most multiples have a checkpoint of their own.
        String got = atCheckpoints.size() + " checkpoint snapshots for " + total / N + " multiples of N, " + seen.checkpoints()
                + " checkpoints completed while running: " + atCheckpoints.stream().map(m -> m.source().tokens()).toList();
        assertTrue(atCheckpoints.size() >= 1 && atCheckpoints.size() <= total / N, got);
        if (seen.checkpoints() >= 2 * total / N) assertTrue(atCheckpoints.size() >= 3, got);
        // Every staged statistics set completed: nothing left pending, the summaries' token counts are the snapshots'.
        Path pending = StatsDirectory.root(out).resolve(".pending");
        assertTrue(!Files.isDirectory(pending) || Files.list(pending).findAny().isEmpty(), "a staged set never completed");
        StatsSummary fin = StatsDirectory.readSummary(StatsDirectory.root(out).resolve(StatsDirectory.FINAL_TAG));
        assertEquals(total, fin.tokens());
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, docs(settings), null), StatsJobTesting.finalRows(out), 1.0, 1.0);
    }

    @Test
    void aSnapshotDirectoryThatCannotBeWrittenIsReportedAndCountingGoesOn() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Path blocker = out.resolve("not-a-directory");
        Files.writeString(blocker, "every write below this path fails, as on a full or read-only disk");
        Path snapshots = blocker.resolve("snapshots");
        StatsSettings settings = StatsJobTesting.settings(spec, out).publishIntervalMillis(-1).publishEveryTokens(N)
                .snapshots(snapshots.toString(), Map.of()).build();
        long failures = run(settings, tmp).publicationFailures();
        assertTrue(failures >= 1, "failed snapshot publications are reported in the publicationFailures metric");
        assertFalse(Files.exists(snapshots), "nothing published");
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, docs(settings), null), StatsJobTesting.finalRows(out), 1.0, 1.0);
    }
}
