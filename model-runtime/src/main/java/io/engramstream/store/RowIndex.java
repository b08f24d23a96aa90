package io.engramstream.store;

/**
 * An open-addressing map from RowKey ({@code long >= 0}) to an {@code int} code, built once and
 * then only read, by many threads at once. Key and value sit side by side in one {@code long[]}
 * (one cache line per probe, which matters: the index of a large placement is far bigger than the
 * CPU caches and every distinct row of a batch probes it); linear probing; allocation-free reads.
 */
final class RowIndex {
    static final int MISSING = Integer.MIN_VALUE;
    private static final long EMPTY = -1L;

    /** {@code [2i]} key, {@code [2i+1]} value. */
    private final long[] table;
    private final int mask;
    private int size;

    RowIndex(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;   // load factor <= 0.5
        table = new long[cap * 2];
        for (int i = 0; i < table.length; i += 2) table[i] = EMPTY;
        mask = cap - 1;
    }

    static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Adds or replaces; not thread-safe (building only). */
    void put(long key, int value) {
        if (key < 0) throw new IllegalArgumentException("negative row key");
        if (size * 2 >= mask + 1) throw new IllegalStateException("RowIndex is full");
        int i = slot(key, mask);
        while (true) {
            long k = table[2 * i];
            if (k == EMPTY) { table[2 * i] = key; table[2 * i + 1] = value; size++; return; }
            if (k == key) { table[2 * i + 1] = value; return; }
            i = (i + 1) & mask;
        }
    }

    /** The code for {@code key}, or {@link #MISSING}. */
    int get(long key) {
        int i = slot(key, mask);
        while (true) {
            long k = table[2 * i];
            if (k == key) return (int) table[2 * i + 1];
            if (k == EMPTY) return MISSING;
            i = (i + 1) & mask;
        }
    }

    int size() { return size; }

    long bytes() { return table.length * 8L; }
}
