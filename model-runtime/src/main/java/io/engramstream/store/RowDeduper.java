package io.engramstream.store;

/**
 * Deduplicates the row keys of one layer of a batch: assigns each distinct key a dense id in
 * order of first occurrence. Reused across batches without clearing: an entry is live when its
 * generation stamp is the current one. Key and (stamp, id) sit side by side in one {@code long[]},
 * one cache line per probe; after warm-up the hot path allocates nothing.
 */
final class RowDeduper {
    /** {@code [2i]} key, {@code [2i+1]} generation << 32 | id. */
    private long[] table = new long[0];
    private int mask;
    private int generation;
    private long[] uniqueKeys = new long[0];
    private int uniqueCount;

    /** Starts a new set able to take {@code maxKeys} keys. */
    void reset(int maxKeys) {
        int cap = Integer.highestOneBit(Math.max(4, maxKeys * 2 - 1)) << 1;
        if (cap * 2 > table.length) {
            table = new long[cap * 2];
            mask = cap - 1;
            generation = 0;
        }
        if (uniqueKeys.length < maxKeys) uniqueKeys = new long[maxKeys];
        if (++generation == 0) {            // wrapped: stamps from 2^32 generations ago would alias
            java.util.Arrays.fill(table, 0L);
            generation = 1;
        }
        uniqueCount = 0;
    }

    /** The dense id of {@code key}, adding it if new. */
    int idOf(long key) {
        long[] t = table;
        int i = RowIndex.slot(key, mask);
        long g = (long) generation << 32;
        while (true) {
            long meta = t[2 * i + 1];
            if ((meta & 0xFFFFFFFF00000000L) != g) {
                int id = uniqueCount++;
                t[2 * i] = key;
                t[2 * i + 1] = g | id;
                uniqueKeys[id] = key;
                return id;
            }
            if (t[2 * i] == key) return (int) meta;
            i = (i + 1) & mask;
        }
    }

    int uniqueCount() { return uniqueCount; }

    /** Distinct keys in order of first occurrence; valid entries are {@code [0, uniqueCount)}. */
    long[] uniqueKeys() { return uniqueKeys; }
}
