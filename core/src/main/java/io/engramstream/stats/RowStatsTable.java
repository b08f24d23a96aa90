package io.engramstream.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Access statistics of the rows of one virtual shard: an open-addressing hash table with linear
 * probing over a single {@code long[]}, five longs per slot (row key, corpus count, inference
 * count, decayed score bits, last access). One array instead of five parallel ones keeps a
 * probe to one or two cache lines; no per-row objects, so a shard of 10^6 rows is one array of
 * about 56 MB at the maximum load and costs the garbage collector nothing.
 *
 * <p>Rows never seen take no slot. The score is kept as its value at {@code last} (see
 * {@link ScoreDecay}), so an update is O(1) and nothing ever rescans the table to decay it.
 *
 * <p>Hot path ({@link #add}): allocation-free (except when the table grows).
 */
public final class RowStatsTable {
    public static final int SOURCE_CORPUS = 0;
    public static final int SOURCE_INFERENCE = 1;

    static final int STRIDE = 5;
    private static final int KEY = 0, CORPUS = 1, INFERENCE = 2, SCORE = 3, LAST = 4;
    private static final long EMPTY = -1L;           // row keys are never negative (RowKey)
    private static final int MIN_CAPACITY = 16;
    private static final double MAX_LOAD = 0.7;

    private long[] slots;
    private int bits;
    private int mask;
    private int size;
    private int growAt;
    // Decay factors memoized by clock distance: a batch shares one clock and most of its rows were
    // last touched by one of a few earlier flushes, so exp() runs a few times per batch, not per row.
    private transient long memoDt1 = -1, memoDt2 = -1;
    private transient double memoF1, memoF2, memoLambda;

    public RowStatsTable() { this(MIN_CAPACITY); }

    public RowStatsTable(int expectedRows) {
        int cap = MIN_CAPACITY;
        while (cap * MAX_LOAD < expectedRows) cap <<= 1;
        allocate(cap);
    }

    private void allocate(int capacity) {
        if ((long) capacity * STRIDE > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("shard table too large (" + capacity + " slots): use more virtual shards");
        }
        slots = new long[capacity * STRIDE];
        for (int i = 0; i < slots.length; i += STRIDE) slots[i] = EMPTY;
        bits = Integer.numberOfTrailingZeros(capacity);
        mask = capacity - 1;
        growAt = (int) (capacity * MAX_LOAD);
    }

    /** Slot index from the key: Fibonacci hashing, independent of the shard mix in {@link VirtualShards}. */
    private static int home(long key, int bits) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - bits));
    }

    /**
     * Adds {@code count} lookups of {@code key} from {@code source} at decay clock {@code clock}.
     *
     * @param weighted the score increment, {@code count * weight(source)}
     * @param lambda   decay rate per clock unit ({@link ScoreDecay#lambda}); 0 for no decay
     * @return the row's score after the update, as of its last access (new rows show up as a
     *         change of {@link #size()})
     */
    public double add(long key, long count, int source, double weighted, long clock, double lambda) {
        long[] s = slots;
        int m = mask;
        int i = home(key, bits);
        while (true) {
            int b = i * STRIDE;
            long k = s[b];
            if (k == key) {
                s[b + CORPUS + source] += count;
                long last = s[b + LAST];
                double score = Double.longBitsToDouble(s[b + SCORE]);
                if (clock >= last) {
                    if (clock != last && lambda != 0) score *= decay(clock - last, lambda);
                    s[b + LAST] = clock;
                    score += weighted;
                } else {
                    score += lambda == 0 ? weighted : weighted * decay(last - clock, lambda);
                }
                s[b + SCORE] = Double.doubleToRawLongBits(score);
                return score;
            }
            if (k == EMPTY) {
                s[b] = key;
                s[b + CORPUS] = source == SOURCE_CORPUS ? count : 0;
                s[b + INFERENCE] = source == SOURCE_CORPUS ? 0 : count;
                s[b + SCORE] = Double.doubleToRawLongBits(weighted);
                s[b + LAST] = clock;
                if (++size > growAt) grow();
                return weighted;
            }
            i = (i + 1) & m;
        }
    }

    /** {@code exp(-lambda * dt)}, memoized for the two most recent distances. */
    private double decay(long dt, double lambda) {
        if (lambda != memoLambda) {
            memoLambda = lambda;
            memoDt1 = memoDt2 = -1;
        }
        if (dt == memoDt1) return memoF1;
        if (dt == memoDt2) return memoF2;
        double f = Math.exp(-lambda * (double) dt);
        memoDt2 = memoDt1;
        memoF2 = memoF1;
        memoDt1 = dt;
        memoF1 = f;
        return f;
    }

    /** Inserts a complete row (restore, merge); the key must not be present yet. */
    public void put(long key, long corpus, long inference, double score, long last) {
        if (key < 0) throw new IllegalArgumentException("negative row key " + key);
        long[] s = slots;
        int i = home(key, bits);
        while (true) {
            int b = i * STRIDE;
            long k = s[b];
            if (k == EMPTY) {
                s[b] = key;
                s[b + CORPUS] = corpus;
                s[b + INFERENCE] = inference;
                s[b + SCORE] = Double.doubleToRawLongBits(score);
                s[b + LAST] = last;
                if (++size > growAt) grow();
                return;
            }
            if (k == key) throw new IllegalStateException("duplicate row key " + key);
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] old = slots;
        allocate((mask + 1) << 1);
        size = 0;
        for (int b = 0; b < old.length; b += STRIDE) {
            if (old[b] != EMPTY) {
                put(old[b], old[b + CORPUS], old[b + INFERENCE], Double.longBitsToDouble(old[b + SCORE]), old[b + LAST]);
            }
        }
    }

    /** Number of rows seen. */
    public int size() { return size; }

    /** Bytes held by the table (its slot array). */
    public long memoryBytes() { return (long) slots.length * Long.BYTES; }

    /** Total count of {@code key}, or 0 if never seen. */
    public long count(long key) {
        int b = find(key);
        return b < 0 ? 0 : slots[b + CORPUS] + slots[b + INFERENCE];
    }

    private int find(long key) {
        int i = home(key, bits);
        while (true) {
            int b = i * STRIDE;
            long k = slots[b];
            if (k == key) return b;
            if (k == EMPTY) return -1;
            i = (i + 1) & mask;
        }
    }

    /** What a visitor sees per row: the score is the raw value as of {@code last}. */
    @FunctionalInterface
    public interface RowVisitor {
        void row(long key, long corpus, long inference, double scoreAtLast, long last);
    }

    /** Visits every row, in slot order. */
    public void forEach(RowVisitor v) {
        long[] s = slots;
        for (int b = 0; b < s.length; b += STRIDE) {
            if (s[b] != EMPTY) v.row(s[b], s[b + CORPUS], s[b + INFERENCE], Double.longBitsToDouble(s[b + SCORE]), s[b + LAST]);
        }
    }

    /** A deep copy (Flink's copy-on-write snapshots call this). */
    public RowStatsTable copy() {
        RowStatsTable t = new RowStatsTable(MIN_CAPACITY);
        t.slots = slots.clone();
        t.bits = bits;
        t.mask = mask;
        t.size = size;
        t.growAt = growAt;
        return t;
    }

    /** Writes the occupied rows only: {@code size} then 5 longs per row. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(size);
        long[] s = slots;
        int written = 0;
        for (int b = 0; b < s.length; b += STRIDE) {
            if (s[b] != EMPTY) {
                out.writeLong(s[b]);
                out.writeLong(s[b + CORPUS]);
                out.writeLong(s[b + INFERENCE]);
                out.writeLong(s[b + SCORE]);
                out.writeLong(s[b + LAST]);
                written++;
            }
        }
        if (written != size) throw new IllegalStateException("table size " + size + " but wrote " + written);
    }

    public static RowStatsTable read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("corrupt row stats table: negative size " + n);
        RowStatsTable t = new RowStatsTable(n);
        for (int r = 0; r < n; r++) {
            long key = in.readLong();
            long corpus = in.readLong();
            long inference = in.readLong();
            double score = Double.longBitsToDouble(in.readLong());
            long last = in.readLong();
            t.put(key, corpus, inference, score, last);
        }
        return t;
    }

    @Override public boolean equals(Object o) {
        if (!(o instanceof RowStatsTable other) || other.size != size) return false;
        boolean[] same = {true};
        forEach((k, c, i, sc, l) -> {
            int b = other.find(k);
            if (b < 0 || other.slots[b + CORPUS] != c || other.slots[b + INFERENCE] != i
                    || other.slots[b + SCORE] != Double.doubleToRawLongBits(sc) || other.slots[b + LAST] != l) same[0] = false;
        });
        return same[0];
    }

    @Override public int hashCode() {
        long[] h = {size};
        forEach((k, c, i, sc, l) -> h[0] += k * 31 + c * 17 + i);
        return Long.hashCode(h[0]);
    }

    @Override public String toString() { return "RowStatsTable{rows=" + size + ", slots=" + (mask + 1) + "}"; }

    /** Empties the table, keeping its capacity. */
    public void clear() {
        Arrays.fill(slots, 0L);
        for (int i = 0; i < slots.length; i += STRIDE) slots[i] = EMPTY;
        size = 0;
    }
}
