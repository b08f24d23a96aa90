package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.ZipfChunks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a MiniCluster of two TaskManagers with one slot each, so at parallelism 2 every
 * operator has a subtask on each TaskManager and keyed state, delta batches and checkpoint
 * barriers cross TaskManagers through the network stack (not one TaskManager's local channels).
 * A savepoint taken there is restored at parallelism 1 (one TaskManager), and the final statistics
 * equal an independent count with the core NgramHasher.
 */
class TwoTaskManagersTest {
    static final int TASK_MANAGERS = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(TASK_MANAGERS)
            .setNumberSlotsPerTaskManager(1)
            .setConfiguration(clusterConfiguration())
            .build());

    @TempDir Path tmp;

    /** The progress reporter is a cluster-level setting (the tests read counts through it). */
    static Configuration clusterConfiguration() {
        Configuration c = new Configuration();
        c.setString("metrics.reporter." + ProgressReporter.NAME + ".factory.class", ProgressReporter.Factory.class.getName());
        c.setString("taskmanager.memory.managed.size", "64m");
        return c;
    }

    @Test
    void savepointOnTwoTaskManagersRestoresAtParallelismOne() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        int records = 400, chunk = 400;
        JobInput input = JobInput.zipf((long) records * chunk, 1.2, 5, chunk, 150);
        Path out = tmp.resolve("out");
        Path dumpA = tmp.resolve("dumpA"), dumpB = tmp.resolve("dumpB");

        // Phase A: parallelism 2 = both TaskManagers' only slots; stop with a savepoint midway.
        StatsSettings settingsA = StatsJobTesting.settings(spec, out).dumpDir(dumpA.toString()).build();
        MemoryStatsJob.Runtime rtA = StatsJobTesting.runtime(TASK_MANAGERS, tmp);
        StreamExecutionEnvironment envA = StreamExecutionEnvironment.getExecutionEnvironment(MemoryStatsJob.configuration(rtA, settingsA));
        envA.setParallelism(TASK_MANAGERS);
        MemoryStatsJob.build(envA, input, settingsA, out.toString(), "engram.deadletters");
        JobClient jobA = envA.executeAsync("two task managers");
        RescaleTest.awaitTokens(30_000);
        String savepoint = jobA.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);

        // Phase B: restore at parallelism 1 and run to the end of the input.
        StatsSettings settingsB = StatsJobTesting.settings(spec, out).dumpDir(dumpB.toString()).build();
        MemoryStatsJob.Runtime rtB = StatsJobTesting.runtime(1, tmp).withSavepoint(savepoint);
        StreamExecutionEnvironment envB = StreamExecutionEnvironment.getExecutionEnvironment(MemoryStatsJob.configuration(rtB, settingsB));
        envB.setParallelism(1);
        MemoryStatsJob.build(envB, input, settingsB, out.toString(), "engram.deadletters");
        envB.executeAsync("restored at parallelism 1").getJobExecutionResult().get(120, TimeUnit.SECONDS);

        // The savepoint held statistics from both subtasks, and parallelism 1 restored exactly them.
        Path saved = RescaleTest.newestCheckpointPublication(dumpA);
        assertEquals(TASK_MANAGERS, StatsDirectory.readSummary(saved).parts().size());
        Path restored = StatsDirectory.root(dumpB).resolve("restore-" + saved.getFileName());
        assertEquals(1, StatsDirectory.readSummary(restored).parts().size());
        RowStatsColumns a = StatsDirectory.readRows(saved);
        assertTrue(a.size() > 0);
        StatsJobTesting.assertSameRows(a, StatsDirectory.readRows(restored), "2 task managers -> parallelism 1");

        // Final statistics == independent count over the same generated documents.
        ZipfChunks gen = new ZipfChunks(settingsA.canonicalLookup.length, 1.2, 5, chunk);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < records; i++) docs.add(gen.generate(i));
        StatsJobTesting.assertCounts(StatsJobTesting.expectedCounts(spec, docs, null), StatsJobTesting.finalRows(out), Double.NaN, Double.NaN);
    }
}
