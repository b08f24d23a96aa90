package io.engramstream.stats;

/**
 * Pre-aggregates lookups per row key in an open-addressing {@code long -> long} map (keys and
 * counts interleaved in one array, linear probing) of fixed capacity, for tables too large for a
 * {@link DenseRowCounter}. The caller flushes when {@link #isFull()}; memory stays bounded
 * whatever the table size.
 *
 * <p>Hot path ({@link #add}): allocation-free.
 */
public final class SparseRowCounter {
    private static final long EMPTY = -1L;
    private final long[] slots;          // key, count, key, count, ...
    private final int bits;
    private final int mask;
    private final int maxSize;
    private int size;
    private long pending;

    /** @param maxEntries distinct rows held before {@link #isFull()} (the table is sized for load 0.5) */
    public SparseRowCounter(int maxEntries) {
        int cap = 16;
        while (cap < 2L * maxEntries) cap <<= 1;
        slots = new long[cap * 2];
        for (int i = 0; i < slots.length; i += 2) slots[i] = EMPTY;
        bits = Integer.numberOfTrailingZeros(cap);
        mask = cap - 1;
        this.maxSize = maxEntries;
    }

    public void add(long key, long count) {
        long[] s = slots;
        int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - bits));
        while (true) {
            int b = i << 1;
            long k = s[b];
            if (k == key) { s[b + 1] += count; break; }
            if (k == EMPTY) { s[b] = key; s[b + 1] = count; size++; break; }
            i = (i + 1) & mask;
        }
        pending += count;
    }

    public boolean isFull() { return size >= maxSize; }

    public int size() { return size; }

    public long pending() { return pending; }

    /** Emits every row (in slot order) and empties the map. */
    public void flush(RowDeltaSink sink) {
        if (size == 0) { pending = 0; return; }
        long[] s = slots;
        for (int b = 0; b < s.length; b += 2) {
            if (s[b] != EMPTY) sink.delta(s[b], s[b + 1]);
        }
        for (int b = 0; b < s.length; b += 2) s[b] = EMPTY;
        size = 0;
        pending = 0;
    }
}
