package io.engramstream.snapshot;

import io.engramstream.spec.RowKey;
import java.util.Arrays;

/**
 * The rows of a snapshot (or delta) as parallel primitive columns: row key
 * ({@link RowKey}: layer index and row), tier code, decayed score, count and last access; deltas
 * also carry the tier each row had before ({@link #previousTier}). No per-row objects, so ten
 * million rows cost ~45 bytes each.
 *
 * <p>Append with {@link #add}; a file is always written sorted by key (= by (layer, row)), see
 * {@link #sortByKey()}. Keys must be unique.
 */
public final class SnapshotRows {
    private int size;
    private long[] keys;
    private byte[] tiers;
    private double[] scores;
    private long[] counts;
    private long[] lastAccess;
    private byte[] previousTiers; // null for full snapshots

    private SnapshotRows(int capacity, boolean delta) {
        int c = Math.max(capacity, 4);
        keys = new long[c];
        tiers = new byte[c];
        scores = new double[c];
        counts = new long[c];
        lastAccess = new long[c];
        previousTiers = delta ? new byte[c] : null;
    }

    /** Rows of a full snapshot (no previous-tier column). */
    public static SnapshotRows full(int capacity) { return new SnapshotRows(capacity, false); }

    /** Rows of a delta: each row also records the tier it had in the base version. */
    public static SnapshotRows delta(int capacity) { return new SnapshotRows(capacity, true); }

    /** Wraps existing columns (taken over, not copied) as full-snapshot rows. */
    public static SnapshotRows wrap(int size, long[] keys, byte[] tiers, double[] scores, long[] counts, long[] lastAccess) {
        SnapshotRows r = new SnapshotRows(0, false);
        if (keys.length < size || tiers.length < size || scores.length < size || counts.length < size || lastAccess.length < size)
            throw new IllegalArgumentException("columns shorter than size " + size);
        r.size = size; r.keys = keys; r.tiers = tiers; r.scores = scores; r.counts = counts; r.lastAccess = lastAccess;
        return r;
    }

    public boolean isDelta() { return previousTiers != null; }
    public int size() { return size; }
    public long key(int i) { return keys[i]; }
    public int layerIndex(int i) { return RowKey.layerIndex(keys[i]); }
    public long row(int i) { return RowKey.row(keys[i]); }
    public byte tierCode(int i) { return tiers[i]; }
    public Tier tier(int i) { return Tier.ofCode(tiers[i]); }
    public double score(int i) { return scores[i]; }
    public long count(int i) { return counts[i]; }
    public long lastAccess(int i) { return lastAccess[i]; }
    /** The tier a delta row had in the base version; {@link Tier#COLD_CODE} for full snapshots. */
    public byte previousTierCode(int i) { return previousTiers == null ? Tier.COLD_CODE : previousTiers[i]; }

    /** Appends a full-snapshot row. */
    public void add(long key, byte tier, double score, long count, long lastAccess) {
        if (previousTiers != null) throw new IllegalStateException("delta rows need a previous tier");
        ensure(size + 1);
        put(size++, key, tier, score, count, lastAccess);
    }

    /** Appends a delta row: {@code key} moved from {@code previousTier} to {@code tier}. */
    public void addChange(long key, byte previousTier, byte tier, double score, long count, long lastAccess) {
        if (previousTiers == null) throw new IllegalStateException("full snapshot rows have no previous tier");
        ensure(size + 1);
        previousTiers[size] = previousTier;
        put(size++, key, tier, score, count, lastAccess);
    }

    private void put(int i, long key, byte tier, double score, long count, long la) {
        keys[i] = key; tiers[i] = tier; scores[i] = score; counts[i] = count; lastAccess[i] = la;
    }

    private void ensure(int n) {
        if (n <= keys.length) return;
        int c = Math.max(n, keys.length + (keys.length >> 1));
        keys = Arrays.copyOf(keys, c);
        tiers = Arrays.copyOf(tiers, c);
        scores = Arrays.copyOf(scores, c);
        counts = Arrays.copyOf(counts, c);
        lastAccess = Arrays.copyOf(lastAccess, c);
        if (previousTiers != null) previousTiers = Arrays.copyOf(previousTiers, c);
    }

    /** Number of rows in {@code tier}. */
    public long count(Tier tier) {
        long n = 0;
        byte c = tier.code();
        for (int i = 0; i < size; i++) if (tiers[i] == c) n++;
        return n;
    }

    /** Rows in {@code tier} per layer index ({@code numLayers} entries). */
    public long[] countPerLayer(Tier tier, int numLayers) {
        long[] n = new long[numLayers];
        byte c = tier.code();
        for (int i = 0; i < size; i++) if (tiers[i] == c) n[RowKey.layerIndex(keys[i])]++;
        return n;
    }

    /** The keys of the rows in {@code tier}, ascending when the rows are sorted. */
    public long[] keys(Tier tier) {
        long[] out = new long[(int) count(tier)];
        byte c = tier.code();
        int k = 0;
        for (int i = 0; i < size; i++) if (tiers[i] == c) out[k++] = keys[i];
        return out;
    }

    /** All keys (a copy), in row order. */
    public long[] keys() { return Arrays.copyOf(keys, size); }

    public boolean isSortedByKey() {
        for (int i = 1; i < size; i++) if (keys[i] <= keys[i - 1]) return false;
        return true;
    }

    /**
     * Sorts rows by key ascending, i.e. by (layer, row). Fails on duplicate keys.
     */
    public SnapshotRows sortByKey() {
        if (isSortedByKey()) return this;
        int[] perm = sortPermutation();
        keys = permute(keys, perm);
        tiers = permute(tiers, perm);
        scores = permute(scores, perm);
        counts = permute(counts, perm);
        lastAccess = permute(lastAccess, perm);
        if (previousTiers != null) previousTiers = permute(previousTiers, perm);
        for (int i = 1; i < size; i++)
            if (keys[i] == keys[i - 1]) throw new IllegalArgumentException("duplicate row " + RowKey.toString(keys[i]));
        return this;
    }

    private int[] sortPermutation() {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) idx[i] = i;
        long[] k = Arrays.copyOf(keys, size);
        PrimitiveSort.sort(k, idx, 0, size);
        return idx;
    }

    private long[] permute(long[] a, int[] p) { long[] o = new long[Math.max(size, 4)]; for (int i = 0; i < size; i++) o[i] = a[p[i]]; return o; }
    private double[] permute(double[] a, int[] p) { double[] o = new double[Math.max(size, 4)]; for (int i = 0; i < size; i++) o[i] = a[p[i]]; return o; }
    private byte[] permute(byte[] a, int[] p) { byte[] o = new byte[Math.max(size, 4)]; for (int i = 0; i < size; i++) o[i] = a[p[i]]; return o; }

    /** Index of {@code key} in sorted rows, or a negative number when absent. */
    public int indexOf(long key) { return Arrays.binarySearch(keys, 0, size, key); }

    @Override public boolean equals(Object o) {
        if (!(o instanceof SnapshotRows r) || r.size != size || r.isDelta() != isDelta()) return false;
        for (int i = 0; i < size; i++) {
            if (keys[i] != r.keys[i] || tiers[i] != r.tiers[i] || Double.compare(scores[i], r.scores[i]) != 0
                    || counts[i] != r.counts[i] || lastAccess[i] != r.lastAccess[i]
                    || previousTierCode(i) != r.previousTierCode(i)) return false;
        }
        return true;
    }

    @Override public int hashCode() { return Arrays.hashCode(Arrays.copyOf(keys, size)); }

    @Override public String toString() { return (isDelta() ? "delta" : "snapshot") + " rows(" + size + ")"; }
}
