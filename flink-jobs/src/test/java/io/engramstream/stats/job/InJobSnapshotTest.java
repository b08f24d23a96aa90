package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.snapshot.Snapshot;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotReader;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.ZipfChunks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job publishes a hot-set snapshot from its own statistics: exactly the budgeted number of
 * rows, and the hottest rows by an independent count (no decay, so score = count).
 */
class InJobSnapshotTest {
    @TempDir Path tmp;

    @Test
    void theFinalStatisticsBecomeASnapshotOfTheHottestRows() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        int records = 200, chunk = 300, hotRows = 100, warmRows = 400;
        Path out = tmp.resolve("out"), snapshots = out.resolve("snapshots");
        StatsSettings settings = StatsJobTesting.settings(spec, out)
                .snapshots(snapshots.toString(), Map.of(
                        "placement.hot-bytes", Long.toString((long) hotRows * spec.bytesPerRow()),
                        "placement.warm-bytes", Long.toString((long) warmRows * spec.bytesPerRow())))
                .build();
        StatsJobTesting.run(JobInput.zipf((long) records * chunk, 1.2, 5, chunk, 0), settings, StatsJobTesting.runtime(2, tmp));

        SnapshotManifest m = SnapshotDirectory.readLatest(snapshots).orElseThrow();
        assertEquals(1, m.version(), "one publication for one bounded run, however many subtasks completed it");
        assertEquals(io.engramstream.placement.StatsSnapshotPublisher.source("final", settings.runId), m.source().description());
        assertEquals(hotRows, m.hotRows());
        assertEquals(warmRows, m.warmRows());
        assertTrue(Files.list(snapshots).noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temp files left");

        ZipfChunks gen = new ZipfChunks(settings.canonicalLookup.length, 1.2, 5, chunk);
        List<int[]> docs = new ArrayList<>();
        for (long i = 0; i < records; i++) docs.add(gen.generate(i));
        Map<Long, long[]> counts = StatsJobTesting.expectedCounts(spec, docs, null);

        Snapshot snap = SnapshotReader.read(snapshots.resolve(m.file()));
        SnapshotRows rows = snap.rows();
        Set<Long> hot = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) if (rows.tier(i) == Tier.HOT) hot.add(rows.key(i));
        assertEquals(hotRows, hot.size());
        long coldestHot = Long.MAX_VALUE, hottestOther = 0;
        for (Map.Entry<Long, long[]> e : counts.entrySet()) {
            long c = e.getValue()[0];
            if (hot.contains(e.getKey())) coldestHot = Math.min(coldestHot, c);
            else hottestOther = Math.max(hottestOther, c);
        }
        assertTrue(coldestHot >= hottestOther,
                "every hot row is at least as hot as every other row: coldest hot " + coldestHot + ", hottest other " + hottestOther);
    }
}
