package io.engramstream.placement.bench;

import java.util.Arrays;

/**
 * An open-addressing map from non-negative {@code long} keys to {@code int} values with linear
 * probing and backward-shift deletion: no boxing, no per-entry objects. Missing keys read as -1.
 */
public final class LongIntMap {
    private static final long EMPTY = -1L;
    private long[] keys;
    private int[] values;
    private int mask;
    private int size;

    public LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        values = new int[cap];
        mask = cap - 1;
    }

    public int size() { return size; }

    private static int mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return (int) (k ^ (k >>> 32));
    }

    public int get(long key) {
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return -1;
        }
    }

    public void put(long key, int value) {
        if (key < 0) throw new IllegalArgumentException("keys must be non-negative");
        if ((size + 1) * 2 > keys.length) rehash();
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) { values[i] = value; return; }
            if (k == EMPTY) { keys[i] = key; values[i] = value; size++; return; }
        }
    }

    public void remove(long key) {
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == EMPTY) return;
            if (k == key) break;
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps probe chains intact without tombstones.
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long k = keys[j];
            if (k == EMPTY) break;
            int home = mix(k) & mask;
            boolean between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!between) { keys[i] = k; values[i] = values[j]; i = j; }
        }
        keys[i] = EMPTY;
        size--;
    }

    public void clear() { Arrays.fill(keys, EMPTY); size = 0; }

    private void rehash() {
        long[] ok = keys; int[] ov = values;
        keys = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        values = new int[ok.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) if (ok[i] != EMPTY) put(ok[i], ov[i]);
    }
}
