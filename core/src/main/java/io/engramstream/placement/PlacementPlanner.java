package io.engramstream.placement;

import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotRows;

/**
 * Single-process placement: runs the four steps of {@link PlacementPolicy} over one set of
 * statistics (as one shard), computes the coverage curve, and returns the placement. The
 * distributed job runs the same steps spread over its shards, so both give identical results.
 */
public final class PlacementPlanner {
    private PlacementPlanner() {}

    /** Placement with the coverage curve over a table of {@code layout.totalRows()} rows. */
    public static PlacementResult plan(RowStats stats, PreviousPlacement previous, TierBudgets budgets,
                                       PlacementOptions options, RowLayout layout) {
        return plan(stats, previous, budgets, options, layout.totalRows());
    }

    /** Placement with the coverage curve up to {@code tableRows} (no curve when 0). */
    public static PlacementResult plan(RowStats stats, PreviousPlacement previous, TierBudgets budgets,
                                       PlacementOptions options, long tableRows) {
        PlacementPolicy policy = new PlacementPolicy(budgets, options);
        byte[] prevTier = previousTiers(stats, previous);
        ScoreHistogram h = policy.newHistogram();
        for (int i = 0; i < stats.size(); i++) policy.observe(h, stats.keys()[i], stats.scores()[i], prevTier[i]);
        PlacementThresholds t = policy.thresholds(h);
        long expected = previous.size() + 1024L;
        for (int g = 0; g < budgets.groups(); g++) expected += budgets.hotRows(g) + budgets.warmRows(g);
        CandidateRows c = new CandidateRows((int) Math.min(stats.size(), expected + expected / 8));
        for (int i = 0; i < stats.size(); i++) {
            long k = stats.keys()[i];
            double s = stats.scores()[i];
            if (t.isCandidate(k, s, prevTier[i])) c.add(k, s, stats.counts()[i], stats.lastAccess()[i], prevTier[i]);
        }
        PlacementResult r = policy.assemble(c, previous, t);
        return tableRows > 0 ? r.withCoverage(h.coverage(tableRows, budgets.getBytesPerRow())) : r;
    }

    /** Placement without a coverage curve. */
    public static PlacementResult plan(RowStats stats, PreviousPlacement previous, TierBudgets budgets, PlacementOptions options) {
        return plan(stats, previous, budgets, options, 0L);
    }

    /** Previous tier of every row: a linear merge when the rows are sorted, else binary searches. */
    static byte[] previousTiers(RowStats stats, PreviousPlacement previous) {
        int n = stats.size();
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, io.engramstream.snapshot.Tier.COLD_CODE);
        if (previous.isEmpty()) return out;
        SnapshotRows prev = previous.rows();
        if (stats.isSortedByKey()) {
            int j = 0, m = prev.size();
            for (int i = 0; i < n && j < m; i++) {
                long k = stats.keys()[i];
                while (j < m && prev.key(j) < k) j++;
                if (j < m && prev.key(j) == k) out[i] = prev.tierCode(j);
            }
        } else {
            for (int i = 0; i < n; i++) out[i] = previous.tierOf(stats.keys()[i]);
        }
        return out;
    }
}
