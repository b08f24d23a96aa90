package io.engramstream.placement;

import io.engramstream.snapshot.RowLayout;
import java.io.IOException;
import java.io.UncheckedIOException;

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
        RowScan rows = visitor -> {
            for (int i = 0; i < stats.size(); i++) {
                visitor.row(stats.keys()[i], stats.scores()[i], stats.counts()[i], stats.lastAccess()[i]);
            }
        };
        try {
            return plan(rows, stats.size(), previous, budgets, options, tableRows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // cannot happen: arrays do no I/O
        }
    }

    /** Rows to place with their scores at the publication clock, in any order; {@link #plan} visits them twice. */
    @FunctionalInterface
    public interface RowScan {
        void forEach(RowVisitor visitor) throws IOException;
    }

    /** One row of a {@link RowScan}. */
    @FunctionalInterface
    public interface RowVisitor {
        void row(long key, double score, long count, long lastAccess);
    }

    /**
     * The four steps of {@link PlacementPolicy} over rows that need not be in memory: pass 1 fills
     * the score histogram, thresholds come from it, pass 2 keeps only the candidates, which are
     * assembled into the placement. Memory is the histogram, the previous placement and the
     * candidates (about the budgets), never all the rows.
     *
     * @param rowCount  rows the scan visits, or more (caps the candidate buffer's first size)
     * @param tableRows rows of the whole table, for the coverage curve (0: none)
     */
    public static PlacementResult plan(RowScan rows, long rowCount, PreviousPlacement previous, TierBudgets budgets,
                                       PlacementOptions options, long tableRows) throws IOException {
        PlacementPolicy policy = new PlacementPolicy(budgets, options);
        PreviousTiers prev = new PreviousTiers(previous.rows());
        ScoreHistogram h = policy.newHistogram();
        rows.forEach((key, score, count, last) -> policy.observe(h, key, score, prev.tierOf(key)));
        PlacementThresholds t = policy.thresholds(h);
        long expected = previous.size() + 1024L;
        for (int g = 0; g < budgets.groups(); g++) expected += budgets.hotRows(g) + budgets.warmRows(g);
        CandidateRows c = new CandidateRows((int) Math.min(Math.min(rowCount, Integer.MAX_VALUE - 8), expected + expected / 8));
        rows.forEach((key, score, count, last) -> {
            byte p = prev.tierOf(key);
            if (t.isCandidate(key, score, p)) c.add(key, score, count, last, p);
        });
        PlacementResult r = policy.assemble(c, previous, t);
        return tableRows > 0 ? r.withCoverage(h.coverage(tableRows, budgets.getBytesPerRow())) : r;
    }

    /** Placement without a coverage curve. */
    public static PlacementResult plan(RowStats stats, PreviousPlacement previous, TierBudgets budgets, PlacementOptions options) {
        return plan(stats, previous, budgets, options, 0L);
    }
}
