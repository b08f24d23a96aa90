package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task fails mid-stream (after a completed checkpoint, with pre-aggregated counts pending); the
 * job restores from the checkpoint and the final statistics equal an independent count computed
 * straight from the input with the core hasher, row by row.
 */
class ExactlyOnceTest {
    @TempDir Path tmp;

    @Test
    void generatorWithInjectedFailure() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Path out = tmp.resolve("out");
        Path marker = tmp.resolve("failed-once");
        int records = 300, chunk = 1000;
        StatsSettings settings = StatsJobTesting.settings(spec, out).failOnceAfter(60_000, marker.toString()).build();
        JobInput input = JobInput.zipf((long) records * chunk, 1.1, 7, chunk, 150);
        StatsJobTesting.run(input, settings, StatsJobTesting.runtime(2, tmp));

        assertTrue(Files.exists(marker), "the injected failure happened");
        ZipfChunks gen = new ZipfChunks(settings.canonicalLookup.length, 1.1, 7, chunk);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < records; i++) docs.add(gen.generate(i));
        Map<Long, long[]> expected = StatsJobTesting.expectedCounts(spec, docs, null);
        StatsJobTesting.assertCounts(expected, StatsJobTesting.finalRows(out), 1.0, 1.0);

        StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        assertEquals((long) records * chunk, s.tokens());
        assertEquals(StatsJobTesting.total(expected), s.lookups());
        assertEquals((long) records * chunk * spec.lookupsPerToken(), s.lookups());
        assertEquals(records, s.records());
        assertEquals(expected.size(), s.distinctRows());
        assertEquals(spec.fingerprint(), s.specFingerprint());
    }
}
