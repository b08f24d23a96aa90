package io.engramstream.store.bench;

import java.util.Arrays;

/** Counts RowKeys in an open-addressing table of primitives (grows by doubling). */
final class RowCounter {
    private long[] keys;
    private int[] counts;
    private int size;
    private int mask;

    RowCounter(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        counts = new int[cap];
        Arrays.fill(keys, -1L);
        mask = cap - 1;
    }

    void add(long key) {
        if (size * 2 >= keys.length) grow();
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == key) { counts[i]++; return; }
            if (k == -1L) { keys[i] = key; counts[i] = 1; size++; return; }
            i = (i + 1) & mask;
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private void grow() {
        long[] ok = keys;
        int[] oc = counts;
        keys = new long[ok.length * 2];
        counts = new int[ok.length * 2];
        Arrays.fill(keys, -1L);
        mask = keys.length - 1;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] == -1L) continue;
            int j = slot(ok[i]);
            while (keys[j] != -1L) j = (j + 1) & mask;
            keys[j] = ok[i];
            counts[j] = oc[i];
        }
    }

    int size() { return size; }

    /**
     * The {@code n} most counted keys (ties: smaller key first), most counted first. A counting
     * sort over the counts: they are small integers.
     */
    long[] top(int n) {
        int max = 0;
        for (int i = 0; i < keys.length; i++) if (keys[i] != -1L) max = Math.max(max, counts[i]);
        long[] histogram = new long[max + 2];
        for (int i = 0; i < keys.length; i++) if (keys[i] != -1L) histogram[counts[i]]++;
        // threshold: smallest count c such that rows with count >= c number at least n
        long acc = 0;
        int threshold = max + 1;
        while (threshold > 1 && acc < n) { threshold--; acc += histogram[threshold]; }
        long[] above = new long[size];
        long[] at = new long[size];
        int na = 0, nt = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == -1L) continue;
            if (counts[i] > threshold) above[na++] = ((long) counts[i] << 32) | i;   // sort by count; the slot rides in the low bits
            else if (counts[i] == threshold) at[nt++] = keys[i];
        }
        long[] packed = Arrays.copyOf(above, na);
        Arrays.sort(packed);
        long[] out = new long[Math.min(n, na + nt)];
        int k = 0;
        for (int i = na - 1; i >= 0 && k < out.length; i--) out[k++] = keys[(int) (packed[i] & 0xFFFFFFFFL)];
        long[] ties = Arrays.copyOf(at, nt);
        Arrays.sort(ties);
        for (int i = 0; i < nt && k < out.length; i++) out[k++] = ties[i];
        return out;
    }

    int count(long key) {
        int i = slot(key);
        while (true) {
            if (keys[i] == key) return counts[i];
            if (keys[i] == -1L) return 0;
            i = (i + 1) & mask;
        }
    }
}
