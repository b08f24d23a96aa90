package io.engramstream.placement;

import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;
import io.engramstream.stats.RowStatsTable;
import io.engramstream.stats.ScoreDecay;
import io.engramstream.stats.StatsDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Placement of a statistics publication without gathering its rows: the four steps of
 * {@link PlacementPolicy} run over the part files as they lie on disk, each part streamed with one
 * fixed buffer ({@link StatsDirectory#scanPart}).
 * <ol>
 *   <li>pass 1, per part: every row's score (decayed to the publication clock) goes into one
 *       {@link ScoreHistogram} (the parts' histograms are simply one merged histogram);</li>
 *   <li>global thresholds from it ({@link PlacementPolicy#thresholds});</li>
 *   <li>pass 2, per part: only rows with {@link PlacementThresholds#isCandidate} (above a
 *       threshold, previously resident, or pinned) are kept;</li>
 *   <li>{@link PlacementPolicy#assemble} the candidates.</li>
 * </ol>
 * Memory is the histogram (a few MB), the previous placement and the candidates (about the budgets
 * plus the two boundary buckets), never the table. The result equals {@link PlacementPlanner#plan}
 * over the gathered rows exactly (same rows, tiers, scores; the coverage curve may differ in the last
 * bits of its float sums, which are added in another order).
 *
 * <p>Why the histograms are made here and not by the subtasks when they write their parts: a row's
 * rank uses its score decayed to the publication clock (the largest clock over all parts, known only
 * once the set is complete) and a residency bonus from the previous placement. A second streaming
 * pass over files on local disk costs less than making both known to every subtask at the barrier.
 */
public final class StreamingPlanner {
    private StreamingPlanner() {}

    /**
     * @param parts     part files, each sorted by row key (the rows of distinct parts are disjoint)
     * @param now       the publication clock scores are decayed to
     * @param lambda    the decay rate ({@link ScoreDecay#lambda})
     * @param tableRows rows of the whole table, for the coverage curve (0: none)
     */
    public static PlacementResult plan(List<Path> parts, long now, double lambda, PreviousPlacement previous, TierBudgets budgets,
                                       PlacementOptions options, long tableRows) throws IOException {
        PlacementPolicy policy = new PlacementPolicy(budgets, options);
        ScoreHistogram h = policy.newHistogram();
        PreviousTiers prev = new PreviousTiers(previous.rows());
        for (Path part : parts) {
            prev.reset();
            StatsDirectory.scanPart(part, (key, corpus, inference, scoreAtLast, last) ->
                    policy.observe(h, key, ScoreDecay.at(scoreAtLast, last, now, lambda), prev.tierOf(key)));
        }
        PlacementThresholds t = policy.thresholds(h);
        long expected = previous.size() + 1024L;
        for (int g = 0; g < budgets.groups(); g++) expected += budgets.hotRows(g) + budgets.warmRows(g);
        CandidateRows c = new CandidateRows((int) Math.min(Integer.MAX_VALUE - 8, expected + expected / 8));
        for (Path part : parts) {
            prev.reset();
            StatsDirectory.scanPart(part, (key, corpus, inference, scoreAtLast, last) -> {
                double s = ScoreDecay.at(scoreAtLast, last, now, lambda);
                byte p = prev.tierOf(key);
                if (t.isCandidate(key, s, p)) c.add(key, s, corpus + inference, last, p);
            });
        }
        PlacementResult r = policy.assemble(c, previous, t);
        return tableRows > 0 ? r.withCoverage(h.coverage(tableRows, budgets.getBytesPerRow())) : r;
    }

    /**
     * The previous tier of rows visited in ascending key order: a cursor that only moves forward
     * (a binary search when the keys go back, e.g. at the next part). Allocation-free.
     */
    static final class PreviousTiers {
        private final SnapshotRows rows;
        private int j;
        private long lastKey = Long.MIN_VALUE;

        PreviousTiers(SnapshotRows rows) { this.rows = rows; }

        /** The next key may be anywhere (a new part). */
        void reset() { j = 0; lastKey = Long.MAX_VALUE; }

        byte tierOf(long key) {
            int m = rows.size();
            if (m == 0) return Tier.COLD_CODE;
            if (key < lastKey) {   // a new part (or unsorted input): find the place by binary search
                int i = rows.indexOf(key);
                j = i >= 0 ? i : -i - 1;
            }
            lastKey = key;
            while (j < m && rows.key(j) < key) j++;
            return j < m && rows.key(j) == key ? rows.tierCode(j) : Tier.COLD_CODE;
        }
    }
}
