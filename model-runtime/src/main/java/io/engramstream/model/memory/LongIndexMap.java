package io.engramstream.model.memory;

import java.util.Arrays;

/**
 * Open-addressing map from non-negative {@code long} keys (row keys) to dense slots 0, 1, 2, ...
 * in insertion order. No boxing and no per-entry objects: used on the training hot path to merge
 * duplicate rows of a batch and to find per-row optimizer state.
 */
public final class LongIndexMap {
    private static final long EMPTY = -1L;
    private long[] keys;
    private int[] slots;
    private long[] byIndex;
    private int size;
    private int mask;

    public LongIndexMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        slots = new int[cap];
        byIndex = new long[Math.max(4, expected)];
        mask = cap - 1;
    }

    public int size() { return size; }

    /** The key that owns {@code slot}. */
    public long keyAt(int slot) { return byIndex[slot]; }

    /** The keys in slot order, valid for indices {@code [0, size())}. The array is live: do not keep it. */
    public long[] keysBySlot() { return byIndex; }

    /** The slot of {@code key}, or -1. */
    public int get(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return slots[i];
            if (k == EMPTY) return -1;
            i = (i + 1) & mask;
        }
    }

    /** The slot of {@code key}, assigning the next free one if the key is new. */
    public int getOrAdd(long key) {
        if (key < 0) throw new IllegalArgumentException("negative key " + key);
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return slots[i];
            if (k == EMPTY) break;
            i = (i + 1) & mask;
        }
        if (size == byIndex.length) byIndex = Arrays.copyOf(byIndex, size * 2);
        keys[i] = key;
        slots[i] = size;
        byIndex[size] = key;
        int slot = size++;
        if (size * 2 > keys.length) grow();
        return slot;
    }

    public void clear() {
        if (size == 0) return;
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        slots = new int[keys.length];
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] == EMPTY) continue;
            int i = hash(oldKeys[j]) & mask;
            while (keys[i] != EMPTY) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            slots[i] = oldSlots[j];
        }
    }

    private static int hash(long key) {
        long z = key * 0x9E3779B97F4A7C15L;
        return (int) (z ^ (z >>> 32));
    }
}
