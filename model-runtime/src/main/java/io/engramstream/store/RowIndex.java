package io.engramstream.store;

/**
 * An open-addressing map from RowKey ({@code long >= 0}) to an {@code int} code, built once and
 * then only read, by many threads at once. Primitive arrays and linear probing: a probe touches
 * one or two cache lines and allocates nothing.
 */
final class RowIndex {
    static final int MISSING = Integer.MIN_VALUE;
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] values;
    private final int mask;
    private int size;

    RowIndex(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;   // load factor <= 0.5
        keys = new long[cap];
        values = new int[cap];
        java.util.Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Adds or replaces; not thread-safe (building only). */
    void put(long key, int value) {
        if (key < 0) throw new IllegalArgumentException("negative row key");
        if (size * 2 >= keys.length) throw new IllegalStateException("RowIndex is full");
        int i = slot(key, mask);
        while (true) {
            long k = keys[i];
            if (k == EMPTY) { keys[i] = key; values[i] = value; size++; return; }
            if (k == key) { values[i] = value; return; }
            i = (i + 1) & mask;
        }
    }

    /** The code for {@code key}, or {@link #MISSING}. */
    int get(long key) {
        int i = slot(key, mask);
        while (true) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return MISSING;
            i = (i + 1) & mask;
        }
    }

    int size() { return size; }

    long bytes() { return keys.length * 12L; }
}
