package io.engramstream.placement;

import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.SnapshotRows;

/**
 * A placement: the hot and warm rows (a full snapshot's rows, sorted by key), the delta from the
 * previous placement (null when there was none), the budgets, the numbers, the thresholds used, and the
 * coverage curve when it was computed.
 */
public record PlacementResult(SnapshotRows rows, SnapshotRows delta, long previousVersion, TierBudgets budgets,
                              PlacementSummary summary, PlacementThresholds thresholds, CoverageCurve coverage) {
    public PlacementResult withCoverage(CoverageCurve c) {
        return new PlacementResult(rows, delta, previousVersion, budgets, summary, thresholds, c);
    }
}
