package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.ZipfChunks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole TaskManager is lost mid-stream (MiniCluster with two TaskManagers of one slot each,
 * parallelism 2, so each holds half of every operator): its tasks fail, a replacement
 * TaskManager joins, the job restores from the last completed checkpoint, and the final
 * statistics equal the independent count row by row.
 */
class TaskManagerLossTest {
    @TempDir Path tmp;

    @Test
    void losingATaskManagerMidStreamLosesAndDuplicatesNothing() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Path out = tmp.resolve("out");
        int records = 240, chunk = 1000;
        StatsSettings settings = StatsJobTesting.settings(spec, out).build();
        // 60 records/s: the stream lasts ~4 s, long enough to lose a TaskManager in the middle.
        JobInput input = JobInput.zipf((long) records * chunk, 1.1, 11, chunk, 60);
        MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(2, Duration.ofMillis(200), "hashmap",
                tmp.resolve("checkpoints").toString(), 10, null);
        Configuration conf = MemoryStatsJob.configuration(rt, settings);
        MiniClusterConfiguration mcc = new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(2).setNumSlotsPerTaskManager(1).build();
        try (MiniCluster cluster = new MiniCluster(mcc)) {
            cluster.start();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            MemoryStatsJob.build(env, input, settings, out.toString(), "engram.deadletters");
            JobID id = cluster.submitJob(env.getStreamGraph()).get(60, TimeUnit.SECONDS).getJobID();

            // Mid-stream: after a completed checkpoint, with tokens counted and more to come.
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                ProgressReporter.Snapshot p = ProgressReporter.snapshot();
                if (p.checkpoints() >= 2 && p.tokens() > 20L * chunk) break;
                Thread.sleep(20);
            }
            ProgressReporter.Snapshot atLoss = ProgressReporter.snapshot();
            assertTrue(atLoss.checkpoints() >= 2 && atLoss.tokens() < (long) records * chunk,
                    "lost the TaskManager mid-stream: " + atLoss);
            cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
            cluster.startTaskManager(); // the replacement (as a resource manager would bring one)

            JobResult result = cluster.requestJobResult(id).get(180, TimeUnit.SECONDS);
            assertTrue(result.isSuccess(), "job failed: " + result.getSerializedThrowable());
            assertTrue(cluster.getArchivedExecutionGraph(id).get(30, TimeUnit.SECONDS).getStatusTimestamp(JobStatus.RESTARTING) > 0,
                    "the job restarted after the loss");
        }

        ZipfChunks gen = new ZipfChunks(settings.canonicalLookup.length, 1.1, 11, chunk);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < records; i++) docs.add(gen.generate(i));
        Map<Long, long[]> expected = StatsJobTesting.expectedCounts(spec, docs, null);
        StatsJobTesting.assertCounts(expected, StatsJobTesting.finalRows(out), 1.0, 1.0);
        StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        assertEquals((long) records * chunk, s.tokens());
        assertEquals(records, s.records());
        assertEquals(StatsJobTesting.total(expected), s.lookups());
    }
}
