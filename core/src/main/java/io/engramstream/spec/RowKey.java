package io.engramstream.spec;

/**
 * Names one embedding row of a spec as a single {@code long}: the layer's index in the spec's
 * layer list (not its layer id) in the top 16 bits, and the row inside that layer's table
 * ({@code headOffset + bucket}) in the low 48 bits. Ordering keys numerically orders rows by
 * (layer, row), the order of snapshot files; packing into a primitive keeps statistics and
 * placement free of per-row objects.
 */
public final class RowKey {
    public static final int ROW_BITS = 48;
    public static final long ROW_MASK = (1L << ROW_BITS) - 1;
    /** Largest row count a layer's table may have. */
    public static final long MAX_ROWS_PER_LAYER = 1L << ROW_BITS;

    private RowKey() {}

    public static long of(int layerIndex, long row) {
        if (layerIndex < 0 || layerIndex > 0x7FFF) throw new IllegalArgumentException("layer index out of range: " + layerIndex);
        if (row < 0 || row > ROW_MASK) throw new IllegalArgumentException("row out of range: " + row);
        return ((long) layerIndex << ROW_BITS) | row;
    }

    public static int layerIndex(long key) { return (int) (key >>> ROW_BITS); }

    public static long row(long key) { return key & ROW_MASK; }

    public static String toString(long key) { return "L" + layerIndex(key) + ":" + row(key); }
}
