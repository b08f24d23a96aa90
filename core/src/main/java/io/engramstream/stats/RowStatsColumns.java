package io.engramstream.stats;

import java.util.Arrays;

/**
 * Row statistics as parallel primitive columns, the in-memory form of a statistics part file
 * and what placement reads: row key, corpus count, inference count, the decayed score as of
 * the row's last access, and the last access (decay clock units). {@link #sortByKey()} orders
 * rows by (layer, row), the order of snapshot files.
 */
public final class RowStatsColumns {
    private long[] keys;
    private long[] corpus;
    private long[] inference;
    private double[] score;
    private long[] last;
    private int size;

    public RowStatsColumns() { this(1024); }

    public RowStatsColumns(int capacity) {
        capacity = Math.max(capacity, 16);
        keys = new long[capacity];
        corpus = new long[capacity];
        inference = new long[capacity];
        score = new double[capacity];
        last = new long[capacity];
    }

    public void add(long key, long c, long i, double scoreAtLast, long lastAccess) {
        if (size == keys.length) grow();
        keys[size] = key;
        corpus[size] = c;
        inference[size] = i;
        score[size] = scoreAtLast;
        last[size] = lastAccess;
        size++;
    }

    /** Makes room for {@code more} rows. */
    public void reserve(int more) { ensure(size + more); }

    public void addAll(RowStatsColumns other) {
        ensure(size + other.size);
        for (int r = 0; r < other.size; r++) add(other.keys[r], other.corpus[r], other.inference[r], other.score[r], other.last[r]);
    }

    private void ensure(int n) {
        if (n > keys.length) resize(Math.max(n, keys.length * 2));
    }

    private void grow() { resize(keys.length * 2); }

    private void resize(int n) {
        keys = Arrays.copyOf(keys, n);
        corpus = Arrays.copyOf(corpus, n);
        inference = Arrays.copyOf(inference, n);
        score = Arrays.copyOf(score, n);
        last = Arrays.copyOf(last, n);
    }

    public int size() { return size; }

    /** Empties the columns, keeping their capacity. */
    public void clear() { size = 0; }
    public long key(int r) { return keys[r]; }
    public long corpus(int r) { return corpus[r]; }
    public long inference(int r) { return inference[r]; }
    public long count(int r) { return corpus[r] + inference[r]; }
    public double scoreAtLast(int r) { return score[r]; }
    public long last(int r) { return last[r]; }

    /** The row's score as of decay clock {@code at}. */
    public double scoreAt(int r, long at, double lambda) { return ScoreDecay.at(score[r], last[r], at, lambda); }

    /** Sorts rows by key (ascending), in place. */
    public void sortByKey() { quickSort(0, size - 1); }

    /** Sorts rows {@code [from, to)} by key, in place. */
    public void sortRange(int from, int to) { quickSort(from, to - 1); }

    public boolean isSortedByKey() {
        for (int r = 1; r < size; r++) if (keys[r - 1] >= keys[r]) return false;
        return true;
    }

    private void quickSort(int lo, int hi) {
        while (hi - lo > 24) {
            int mid = (lo + hi) >>> 1;
            // median of three into keys[mid]
            if (keys[mid] < keys[lo]) swap(mid, lo);
            if (keys[hi] < keys[lo]) swap(hi, lo);
            if (keys[hi] < keys[mid]) swap(hi, mid);
            long pivot = keys[mid];
            int i = lo, j = hi;
            while (i <= j) {
                while (keys[i] < pivot) i++;
                while (keys[j] > pivot) j--;
                if (i <= j) { swap(i, j); i++; j--; }
            }
            // recurse into the smaller half, loop on the larger (bounded stack)
            if (j - lo < hi - i) { quickSort(lo, j); lo = i; } else { quickSort(i, hi); hi = j; }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && keys[j - 1] > keys[j]; j--) swap(j, j - 1);
        }
    }

    private void swap(int a, int b) {
        long t = keys[a]; keys[a] = keys[b]; keys[b] = t;
        t = corpus[a]; corpus[a] = corpus[b]; corpus[b] = t;
        t = inference[a]; inference[a] = inference[b]; inference[b] = t;
        double d = score[a]; score[a] = score[b]; score[b] = d;
        t = last[a]; last[a] = last[b]; last[b] = t;
    }

    /** Merges columns that are each sorted by key and hold disjoint keys into one sorted set. */
    public static RowStatsColumns mergeSorted(java.util.List<RowStatsColumns> parts) {
        int total = 0;
        for (RowStatsColumns p : parts) total += p.size;
        RowStatsColumns out = new RowStatsColumns(total);
        int[] pos = new int[parts.size()];
        // few parts (one per subtask): a linear scan per row is cheaper than a heap
        for (int n = 0; n < total; n++) {
            int best = -1;
            long bestKey = Long.MAX_VALUE;
            for (int p = 0; p < pos.length; p++) {
                RowStatsColumns c = parts.get(p);
                if (pos[p] < c.size && (best < 0 || c.keys[pos[p]] < bestKey)) { best = p; bestKey = c.keys[pos[p]]; }
            }
            RowStatsColumns c = parts.get(best);
            int r = pos[best]++;
            out.add(c.keys[r], c.corpus[r], c.inference[r], c.score[r], c.last[r]);
        }
        return out;
    }
}
