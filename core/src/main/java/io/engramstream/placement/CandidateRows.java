package io.engramstream.placement;

import io.engramstream.snapshot.PrimitiveSort;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Rows emitted by shards for assembly (step 3 to 4): key, score (normalised to publication
 * time), count, last access and the tier before this publication, as growable primitive
 * columns. Shards' outputs are concatenated with {@link #addAll}.
 */
public final class CandidateRows implements Serializable {
    private static final long serialVersionUID = 1L;

    int size;
    long[] keys;
    double[] scores;
    long[] counts;
    long[] lastAccess;
    byte[] previousTiers;

    public CandidateRows(int capacity) {
        int c = Math.max(capacity, 16);
        keys = new long[c];
        scores = new double[c];
        counts = new long[c];
        lastAccess = new long[c];
        previousTiers = new byte[c];
    }

    public int size() { return size; }
    public long key(int i) { return keys[i]; }
    public double score(int i) { return scores[i]; }
    public long count(int i) { return counts[i]; }
    public long lastAccess(int i) { return lastAccess[i]; }
    public byte previousTier(int i) { return previousTiers[i]; }

    public void add(long key, double score, long count, long lastAccessStamp, byte previousTier) {
        if (size == keys.length) grow(size + 1);
        keys[size] = key;
        scores[size] = score;
        counts[size] = count;
        lastAccess[size] = lastAccessStamp;
        previousTiers[size] = previousTier;
        size++;
    }

    public CandidateRows addAll(CandidateRows o) {
        grow(size + o.size);
        System.arraycopy(o.keys, 0, keys, size, o.size);
        System.arraycopy(o.scores, 0, scores, size, o.size);
        System.arraycopy(o.counts, 0, counts, size, o.size);
        System.arraycopy(o.lastAccess, 0, lastAccess, size, o.size);
        System.arraycopy(o.previousTiers, 0, previousTiers, size, o.size);
        size += o.size;
        return this;
    }

    private void grow(int n) {
        if (n <= keys.length) return;
        int c = Math.max(n, keys.length + (keys.length >> 1));
        keys = Arrays.copyOf(keys, c);
        scores = Arrays.copyOf(scores, c);
        counts = Arrays.copyOf(counts, c);
        lastAccess = Arrays.copyOf(lastAccess, c);
        previousTiers = Arrays.copyOf(previousTiers, c);
    }

    /** Sorts by key; fails on a key emitted twice (two shards owning one row). */
    void sortByKey() {
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) sorted = keys[i] > keys[i - 1];
        if (!sorted) {
            int[] idx = new int[size];
            for (int i = 0; i < size; i++) idx[i] = i;
            long[] k = Arrays.copyOf(keys, size);
            PrimitiveSort.sort(k, idx, 0, size);
            double[] s = new double[size]; long[] c = new long[size]; long[] l = new long[size]; byte[] p = new byte[size];
            for (int i = 0; i < size; i++) { s[i] = scores[idx[i]]; c[i] = counts[idx[i]]; l[i] = lastAccess[idx[i]]; p[i] = previousTiers[idx[i]]; }
            keys = k; scores = s; counts = c; lastAccess = l; previousTiers = p;
        }
        for (int i = 1; i < size; i++)
            if (keys[i] == keys[i - 1]) throw new IllegalArgumentException("row " + io.engramstream.spec.RowKey.toString(keys[i]) + " emitted twice");
    }
}
