package io.engramstream.store;

/**
 * Deduplicates the row keys of one layer of a batch: assigns each distinct key a dense id in
 * order of first occurrence. Reused across batches without clearing (a generation stamp marks the
 * live entries), so the hot path allocates nothing once the capacity fits the batch.
 */
final class RowDeduper {
    private long[] keys = new long[0];
    private int[] ids = new int[0];
    private int[] stamps = new int[0];
    private int mask;
    private int generation;
    private long[] uniqueKeys = new long[0];
    private int uniqueCount;

    /** Starts a new set able to take {@code maxKeys} keys. */
    void reset(int maxKeys) {
        int cap = Integer.highestOneBit(Math.max(4, maxKeys * 2 - 1)) << 1;
        if (cap > keys.length) {
            keys = new long[cap];
            ids = new int[cap];
            stamps = new int[cap];
            mask = cap - 1;
            generation = 0;
        }
        if (uniqueKeys.length < maxKeys) uniqueKeys = new long[maxKeys];
        if (++generation == 0) {            // wrapped: stamps from 2^32 generations ago would alias
            java.util.Arrays.fill(stamps, 0);
            generation = 1;
        }
        uniqueCount = 0;
    }

    /** The dense id of {@code key}, adding it if new. */
    int idOf(long key) {
        int i = RowIndex.slot(key, mask);
        int g = generation;
        while (true) {
            if (stamps[i] != g) {
                stamps[i] = g;
                keys[i] = key;
                int id = uniqueCount++;
                ids[i] = id;
                uniqueKeys[id] = key;
                return id;
            }
            if (keys[i] == key) return ids[i];
            i = (i + 1) & mask;
        }
    }

    int uniqueCount() { return uniqueCount; }

    /** Distinct keys in order of first occurrence; valid entries are {@code [0, uniqueCount)}. */
    long[] uniqueKeys() { return uniqueKeys; }
}
