package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.input.JobInput;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job reports its metrics through Flink's metric system (seen here by the in-JVM reporter). */
class MetricsTest {
    @TempDir Path tmp;

    @Test
    void tokensLookupsRowsStateAndTopKCoverageAreReported() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        StatsSettings settings = StatsJobTesting.settings(spec, tmp.resolve("out")).topK(500, 100).build();
        JobInput input = JobInput.zipf(400L * 500, 1.1, 4, 500, 100);
        StreamExecutionEnvironment env = StatsJobTesting.env(StatsJobTesting.runtime(2, tmp), settings);
        MemoryStatsJob.build(env, input, settings, settings.outDir, "engram.deadletters");
        JobClient job = env.executeAsync("metrics");
        ProgressReporter.Snapshot s = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            s = ProgressReporter.snapshot();
            if (s.distinctRows() > 0 && s.topKShare() > 0 && s.stateBytes() > 0 && s.checkpoints() > 0) break;
            Thread.sleep(50);
        }
        job.cancel().get(30, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // expected
        }
        assertTrue(s.tokens() > 0, "tokens counted");
        assertEquals(0, s.lookups() % spec.lookupsPerToken());
        assertTrue(s.lookups() >= s.tokens() * spec.lookupsPerToken() - 500L * spec.lookupsPerToken(), "lookups follow tokens");
        assertTrue(s.distinctRows() > 0 && s.distinctRows() <= spec.totalRows(), "distinct rows " + s.distinctRows());
        assertTrue(s.stateBytes() > 0, "state size");
        assertTrue(s.topKShare() > 0 && s.topKShare() <= 1, "top-K share " + s.topKShare());
        assertEquals(0, s.deadLetters());
        assertTrue(s.checkpoints() > 0);
    }
}
