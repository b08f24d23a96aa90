package io.engramstream.placement;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Byte budgets of the hot (GPU) and warm (host) tiers, either global (one pair for all layers)
 * or per layer (one pair per layer index), with the row size ({@code spec.bytesPerRow()}) used
 * to turn bytes into rows: a tier holds {@code floor(bytes / bytesPerRow)} rows, never more.
 */
public final class TierBudgets implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int bytesPerRow;
    private final long hotBytes;
    private final long warmBytes;
    private final long[] hotBytesPerLayer;   // null when global
    private final long[] warmBytesPerLayer;  // null when global

    @JsonCreator
    public TierBudgets(@JsonProperty("bytesPerRow") int bytesPerRow,
                       @JsonProperty("hotBytes") long hotBytes,
                       @JsonProperty("warmBytes") long warmBytes,
                       @JsonProperty("hotBytesPerLayer") long[] hotBytesPerLayer,
                       @JsonProperty("warmBytesPerLayer") long[] warmBytesPerLayer) {
        if (bytesPerRow <= 0) throw new IllegalArgumentException("bytesPerRow must be positive");
        if ((hotBytesPerLayer == null) != (warmBytesPerLayer == null))
            throw new IllegalArgumentException("per-layer budgets need both hot and warm arrays");
        if (hotBytesPerLayer != null) {
            if (hotBytesPerLayer.length != warmBytesPerLayer.length || hotBytesPerLayer.length == 0)
                throw new IllegalArgumentException("per-layer budget arrays must have one entry per layer");
            for (int i = 0; i < hotBytesPerLayer.length; i++)
                if (hotBytesPerLayer[i] < 0 || warmBytesPerLayer[i] < 0) throw new IllegalArgumentException("budgets must not be negative");
            hotBytes = Arrays.stream(hotBytesPerLayer).sum();
            warmBytes = Arrays.stream(warmBytesPerLayer).sum();
        }
        if (hotBytes < 0 || warmBytes < 0) throw new IllegalArgumentException("budgets must not be negative");
        this.bytesPerRow = bytesPerRow;
        this.hotBytes = hotBytes;
        this.warmBytes = warmBytes;
        this.hotBytesPerLayer = hotBytesPerLayer == null ? null : hotBytesPerLayer.clone();
        this.warmBytesPerLayer = warmBytesPerLayer == null ? null : warmBytesPerLayer.clone();
    }

    /** One hot and one warm budget shared by all layers. */
    public static TierBudgets global(int bytesPerRow, long hotBytes, long warmBytes) {
        return new TierBudgets(bytesPerRow, hotBytes, warmBytes, null, null);
    }

    /** Budgets per layer index. */
    public static TierBudgets perLayer(int bytesPerRow, long[] hotBytes, long[] warmBytes) {
        return new TierBudgets(bytesPerRow, 0, 0, hotBytes, warmBytes);
    }

    /** Global budgets given in rows rather than bytes. */
    public static TierBudgets ofRows(int bytesPerRow, long hotRows, long warmRows) {
        return global(bytesPerRow, Math.multiplyExact(hotRows, bytesPerRow), Math.multiplyExact(warmRows, bytesPerRow));
    }

    public int getBytesPerRow() { return bytesPerRow; }
    /** Total hot bytes (the sum over layers for per-layer budgets). */
    public long getHotBytes() { return hotBytes; }
    public long getWarmBytes() { return warmBytes; }
    public long[] getHotBytesPerLayer() { return hotBytesPerLayer == null ? null : hotBytesPerLayer.clone(); }
    public long[] getWarmBytesPerLayer() { return warmBytesPerLayer == null ? null : warmBytesPerLayer.clone(); }

    @JsonIgnore public boolean isPerLayer() { return hotBytesPerLayer != null; }

    /** Number of independent budget groups: 1 for global budgets, else the number of layers. */
    @JsonIgnore public int groups() { return hotBytesPerLayer == null ? 1 : hotBytesPerLayer.length; }

    /** The budget group of a layer index. */
    public int groupOf(int layerIndex) { return hotBytesPerLayer == null ? 0 : layerIndex; }

    /** Rows the hot tier of a group holds at most. */
    public long hotRows(int group) { return (hotBytesPerLayer == null ? hotBytes : hotBytesPerLayer[group]) / bytesPerRow; }

    public long warmRows(int group) { return (warmBytesPerLayer == null ? warmBytes : warmBytesPerLayer[group]) / bytesPerRow; }

    @Override public boolean equals(Object o) {
        return o instanceof TierBudgets t && t.bytesPerRow == bytesPerRow && t.hotBytes == hotBytes && t.warmBytes == warmBytes
                && Arrays.equals(t.hotBytesPerLayer, hotBytesPerLayer) && Arrays.equals(t.warmBytesPerLayer, warmBytesPerLayer);
    }

    @Override public int hashCode() { return Long.hashCode(hotBytes) * 31 + Long.hashCode(warmBytes) + bytesPerRow; }

    @Override public String toString() {
        return isPerLayer()
                ? "TierBudgets{perLayer hot=" + Arrays.toString(hotBytesPerLayer) + " warm=" + Arrays.toString(warmBytesPerLayer) + " bytesPerRow=" + bytesPerRow + "}"
                : "TierBudgets{hot=" + hotBytes + " warm=" + warmBytes + " bytesPerRow=" + bytesPerRow + "}";
    }
}
