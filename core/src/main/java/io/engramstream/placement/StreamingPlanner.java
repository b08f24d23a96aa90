package io.engramstream.placement;

import io.engramstream.stats.ScoreDecay;
import io.engramstream.stats.StatsDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Placement of a statistics publication without gathering its rows: {@link PlacementPlanner}'s
 * two passes run over the part files as they lie on disk, each part streamed with one fixed buffer
 * ({@link StatsDirectory#scanPart}).
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
 * over the gathered rows (same steps; the coverage curve may differ in the last bits of its float
 * sums when the rows come in another order).
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
        PlacementPlanner.RowScan rows = visitor -> {
            for (Path part : parts) {
                StatsDirectory.scanPart(part, (key, corpus, inference, scoreAtLast, last) ->
                        visitor.row(key, ScoreDecay.at(scoreAtLast, last, now, lambda), corpus + inference, last));
            }
        };
        return PlacementPlanner.plan(rows, Long.MAX_VALUE, previous, budgets, options, tableRows);
    }
}
