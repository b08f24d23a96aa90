package io.engramstream.placement;

import io.engramstream.config.EngramConfig;
import io.engramstream.config.EngramOption;
import io.engramstream.spec.RowKey;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * How placement ranks and moves rows, besides the budgets.
 *
 * <ul>
 *   <li>{@code hysteresis} h: a row already in a tier ranks with its score multiplied by (1 + h)
 *       for that tier, so it stays until its score falls about a factor 1/(1+h) below the
 *       threshold, and a newcomer must beat it by that factor. 0 disables hysteresis.</li>
 *   <li>{@code maxPromotions}: at most this many rows are loaded into a faster tier per
 *       publication (cold to warm, cold to hot, warm to hot each count one); the best-ranked go
 *       first, the rest wait for the next publication. Demotions are free. {@code Long.MAX_VALUE}: no cap.</li>
 *   <li>{@code pinned}: row keys that are always hot (they use hot budget first).</li>
 * </ul>
 */
public final class PlacementOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final EngramOption<Long> HOT_BYTES = EngramOption.longInt("placement.hot-bytes", 64L << 20,
            "Hot-tier (GPU) budget in bytes, all layers together");
    public static final EngramOption<Long> WARM_BYTES = EngramOption.longInt("placement.warm-bytes", 512L << 20,
            "Warm-tier (host memory) budget in bytes, all layers together");
    // 0.5 rather than 0.25: a third fewer hot-tier loads at the same hit rate (docs/benchmarks/placement.md).
    public static final EngramOption<Double> HYSTERESIS = EngramOption.real("placement.hysteresis", 0.5,
            "Resident rows rank with score x (1 + h): a resident stays until it falls that margin below the threshold");
    public static final EngramOption<Long> MAX_PROMOTIONS = EngramOption.longInt("placement.max-promotions", 0L,
            "Most rows loaded into a faster tier per publication (0: no cap)");
    public static final List<EngramOption<?>> ALL = List.of(HOT_BYTES, WARM_BYTES, HYSTERESIS, MAX_PROMOTIONS);

    public static final PlacementOptions DEFAULT = new PlacementOptions(0.5, Long.MAX_VALUE, new long[0]);
    public static final PlacementOptions NO_HYSTERESIS = new PlacementOptions(0, Long.MAX_VALUE, new long[0]);

    private final double hysteresis;
    private final long maxPromotions;
    private final long[] pinned;

    public PlacementOptions(double hysteresis, long maxPromotions, long[] pinned) {
        if (!(hysteresis >= 0) || Double.isInfinite(hysteresis)) throw new IllegalArgumentException("hysteresis must be >= 0: " + hysteresis);
        if (maxPromotions < 0) throw new IllegalArgumentException("maxPromotions must be >= 0");
        long[] p = pinned == null ? new long[0] : pinned.clone();
        Arrays.sort(p);
        for (int i = 1; i < p.length; i++) if (p[i] == p[i - 1]) throw new IllegalArgumentException("pinned row listed twice: " + RowKey.toString(p[i]));
        this.hysteresis = hysteresis;
        this.maxPromotions = maxPromotions;
        this.pinned = p;
    }

    /** Options from configuration ({@link #HYSTERESIS}, {@link #MAX_PROMOTIONS}); no pinned rows. */
    public static PlacementOptions from(EngramConfig config) {
        long cap = config.get(MAX_PROMOTIONS);
        return new PlacementOptions(config.get(HYSTERESIS), cap <= 0 ? Long.MAX_VALUE : cap, new long[0]);
    }

    /** Global budgets from configuration ({@link #HOT_BYTES}, {@link #WARM_BYTES}). */
    public static TierBudgets budgets(EngramConfig config, int bytesPerRow) {
        return TierBudgets.global(bytesPerRow, config.get(HOT_BYTES), config.get(WARM_BYTES));
    }

    public double hysteresis() { return hysteresis; }
    public long maxPromotions() { return maxPromotions; }
    public long[] pinned() { return pinned.clone(); }
    public int pinnedCount() { return pinned.length; }

    public boolean isPinned(long key) { return pinned.length != 0 && Arrays.binarySearch(pinned, key) >= 0; }

    public PlacementOptions withHysteresis(double h) { return new PlacementOptions(h, maxPromotions, pinned); }
    public PlacementOptions withMaxPromotions(long cap) { return new PlacementOptions(hysteresis, cap, pinned); }
    public PlacementOptions withPinned(long... keys) { return new PlacementOptions(hysteresis, maxPromotions, keys); }

    @Override public String toString() {
        return "PlacementOptions{hysteresis=" + hysteresis + ", maxPromotions=" + (maxPromotions == Long.MAX_VALUE ? "none" : maxPromotions)
                + ", pinned=" + pinned.length + "}";
    }
}
