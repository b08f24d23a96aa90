package io.engramstream.placement;

import io.engramstream.snapshot.Tier;
import io.engramstream.spec.RowKey;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Global thresholds from the merged {@link ScoreHistogram}s (step 2), sent to every shard. A
 * shard emits a row as a candidate (step 3) when it is pinned, was hot or warm before, or its
 * effective hot score reaches the group's hot threshold or its effective warm score the warm
 * threshold. The candidates always contain the exact selection (see docs/design/placement.md);
 * the excess is at most the rows of the two boundary buckets.
 */
public final class PlacementThresholds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TierBudgets budgets;
    private final PlacementOptions options;
    private final double[] hot;
    private final double[] warm;

    PlacementThresholds(TierBudgets budgets, PlacementOptions options, double[] hot, double[] warm) {
        this.budgets = budgets;
        this.options = options;
        this.hot = hot;
        this.warm = warm;
    }

    /** Effective-hot-score threshold of a budget group (+Infinity: no row qualifies by score). */
    public double hotThreshold(int group) { return hot[group]; }
    public double warmThreshold(int group) { return warm[group]; }
    public int groups() { return hot.length; }

    /** Whether a shard must emit this row to the assembler. Allocation-free. */
    public boolean isCandidate(long key, double score, byte previousTier) {
        if (previousTier != Tier.COLD_CODE || options.isPinned(key)) return true;
        int g = budgets.groupOf(RowKey.layerIndex(key));
        // Cold rows get no residency bonus in either ranking.
        return score >= hot[g] || score >= warm[g];
    }

    @Override public String toString() {
        return "PlacementThresholds{hot=" + Arrays.toString(hot) + ", warm=" + Arrays.toString(warm) + "}";
    }
}
