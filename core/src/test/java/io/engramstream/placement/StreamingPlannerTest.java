package io.engramstream.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming planner (histograms and candidates from the part files, never all rows in memory)
 * places exactly like the gather-all planner on random publications: same rows, tiers, scores,
 * counts, delta and summary, and the budgets are met exactly; with and without decay, ties,
 * hysteresis, a promotion cap, pinned rows and previous residents that lost their statistics.
 */
class StreamingPlannerTest {
    @TempDir Path tmp;

    @Test
    void streamingPlanEqualsTheGatherAllPlanOnRandomPublications() throws Exception {
        RowLayout layout = RowLayout.of(StatsPublications.SPEC);
        int bytesPerRow = StatsPublications.SPEC.bytesPerRow();
        for (int trial = 0; trial < 24; trial++) {
            Random rnd = new Random(1000 + trial);
            int n = 200 + rnd.nextInt(3000), parts = 1 + rnd.nextInt(4);
            boolean ties = trial % 3 == 0;
            double halfLife = ties ? 0 : 50 + rnd.nextInt(5000);
            Path pub = StatsPublications.write(tmp.resolve("t" + trial), "cp-000000000001", n, parts, 10_000, halfLife, ties, trial);
            StatsSummary summary = StatsDirectory.readSummary(pub);
            long hot = 2 + rnd.nextInt(n / 4), warm = rnd.nextInt(n / 2);
            TierBudgets budgets = TierBudgets.global(bytesPerRow, hot * bytesPerRow, warm * bytesPerRow);
            PlacementOptions options = new PlacementOptions(rnd.nextBoolean() ? 0 : 0.25,
                    rnd.nextBoolean() ? Long.MAX_VALUE : 1 + rnd.nextInt((int) hot + 1), new long[0]);
            // A previous placement: some rows of this publication, some without statistics any more.
            SnapshotRows rows = StatsDirectory.readRows(pub).size() > 0 ? previousRows(pub, rnd, layout, hot, warm) : SnapshotRows.full(0);
            PreviousPlacement previous = trial % 4 == 1 ? PreviousPlacement.NONE : new PreviousPlacement(3, rows);
            if (trial % 5 == 2) options = options.withPinned(StatsDirectory.readRows(pub).key(0), StatsDirectory.readRows(pub).key(n - 1));
            String what = "trial " + trial + " (" + n + " rows, " + parts + " parts, hot " + hot + ", warm " + warm + ", " + options
                    + ", previous " + previous.size() + ", half-life " + halfLife + ")";

            PlacementResult gathered = PlacementPlanner.plan(
                    StatsSnapshotPublisher.rowStats(StatsDirectory.readRows(pub), summary.clockNow(), summary.lambda()),
                    previous, budgets, options, layout);
            PlacementResult streamed = StreamingPlanner.plan(StatsDirectory.publicationParts(pub), summary.clockNow(), summary.lambda(),
                    previous, budgets, options, layout.totalRows());

            assertEquals(gathered.rows(), streamed.rows(), what + ": placed rows");
            assertEquals(gathered.delta(), streamed.delta(), what + ": delta");
            assertEquals(gathered.summary(), streamed.summary(), what + ": summary");
            assertEquals(gathered.thresholds().toString(), streamed.thresholds().toString(), what + ": thresholds");
            assertEquals(gathered.coverage().points().size(), streamed.coverage().points().size(), what + ": coverage points");
            for (int i = 0; i < gathered.coverage().points().size(); i++) {
                assertEquals(gathered.coverage().points().get(i).share(), streamed.coverage().points().get(i).share(), 1e-12, what);
            }
            long capped = options.maxPromotions();
            if (capped == Long.MAX_VALUE && previous.isEmpty()) {
                assertEquals(Math.min(hot, n), streamed.rows().count(Tier.HOT), what + ": hot budget filled exactly");
                assertEquals(Math.min(warm, n - Math.min(hot, n)), streamed.rows().count(Tier.WARM), what + ": warm budget filled exactly");
            }
            assertTrue(streamed.rows().count(Tier.HOT) <= hot && streamed.rows().count(Tier.WARM) <= warm, what + ": within budgets");
            assertTrue(streamed.summary().candidates() < n || n <= hot + warm + 64, what + ": candidates " + streamed.summary().candidates()
                    + " of " + n + " rows");
        }
    }

    /** About hot+warm rows: most are rows of the publication, some are rows it does not have. */
    private static SnapshotRows previousRows(Path pub, Random rnd, RowLayout layout, long hot, long warm) throws Exception {
        var all = StatsDirectory.readRows(pub);
        java.util.TreeMap<Long, Byte> chosen = new java.util.TreeMap<>();
        for (int i = 0; i < hot + warm; i++) {
            long key = rnd.nextInt(5) == 0
                    ? io.engramstream.spec.RowKey.of(0, (long) (rnd.nextDouble() * layout.rowsPerLayer(0)))
                    : all.key(rnd.nextInt(all.size()));
            chosen.put(key, i < hot ? Tier.HOT_CODE : Tier.WARM_CODE);
        }
        SnapshotRows r = SnapshotRows.full(chosen.size());
        chosen.forEach((k, t) -> r.add(k, t, 1, 1, 0));
        return r;
    }
}
