package io.engramstream.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Access statistics of the rows of one virtual shard ({@link RowShards}), addressed by the row's
 * local index inside the shard. Two representations, whichever is smaller:
 * <ul>
 *   <li><b>sparse</b> while few rows are seen: an open-addressing hash table with linear probing
 *       over one {@code long[]}, five longs per slot (local index, corpus count, inference count,
 *       score bits, last access) - one array instead of five keeps a probe to one or two cache
 *       lines; rows never seen take no slot;</li>
 *   <li><b>dense</b> once the hash table would outgrow plain arrays (at about 56% of the shard
 *       seen): four arrays indexed by local index, 32 bytes per row of the shard, no probing, and
 *       an ascending batch of deltas becomes a sequential sweep.</li>
 * </ul>
 * No per-row objects either way, so the garbage collector never sees the rows.
 *
 * <p>The score is kept as its value at the row's last access (see {@link ScoreDecay}), so an
 * update is O(1) and nothing ever rescans the table to decay it.
 *
 * <p>Hot path ({@link #add}): allocation-free except when the table grows or turns dense.
 */
public final class RowStatsTable {
    public static final int SOURCE_CORPUS = 0;
    public static final int SOURCE_INFERENCE = 1;

    static final int STRIDE = 5;
    private static final int KEY = 0, CORPUS = 1, INFERENCE = 2, SCORE = 3, LAST = 4;
    private static final long EMPTY = -1L;
    private static final int MIN_CAPACITY = 16;
    private static final double MAX_LOAD = 0.7;
    /** Bytes per row of the dense form. */
    public static final int DENSE_BYTES_PER_ROW = 32;
    private static final int MODE_SPARSE = 0, MODE_DENSE = 1;

    /** Rows in the shard: local indexes are {@code [0, length)}. */
    private final long length;
    private int size;

    // sparse form
    private long[] slots;
    private int bits;
    private int mask;
    private int growAt;

    // dense form (null while sparse)
    private long[] dCorpus, dInference, dLast;
    private double[] dScore;

    // Decay factors memoized by clock distance: a batch shares one clock and most of its rows were
    // last touched by one of a few earlier flushes, so exp() runs a few times per batch, not per row.
    private long memoDt1 = -1, memoDt2 = -1;
    private double memoF1, memoF2, memoLambda = Double.NaN;

    /** A table for a shard of {@code length} rows, sparse, sized for {@code expectedRows}. */
    public RowStatsTable(long length, int expectedRows) {
        if (length < 0) throw new IllegalArgumentException("negative shard length");
        this.length = length;
        int cap = MIN_CAPACITY;
        while (cap * MAX_LOAD < expectedRows) cap <<= 1;
        if (denseBytes() <= (long) cap * STRIDE * Long.BYTES && length < Integer.MAX_VALUE - 8) {
            makeDense();
        } else {
            allocate(cap);
        }
    }

    private long denseBytes() { return length * DENSE_BYTES_PER_ROW; }

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

    private void makeDense() {
        int n = (int) length;
        dCorpus = new long[n];
        dInference = new long[n];
        dLast = new long[n];
        dScore = new double[n];
    }

    /** Slot index from the key: Fibonacci hashing. */
    private static int home(long key, int bits) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - bits));
    }

    public boolean isDense() { return dCorpus != null; }

    public long length() { return length; }

    /**
     * Adds {@code count} (at least 1) lookups of local row {@code local} from {@code source} at
     * decay clock {@code clock}.
     *
     * @param weighted the score increment, {@code count * weight(source)}
     * @param lambda   decay rate per clock unit ({@link ScoreDecay#lambda}); 0 for no decay
     * @return the row's score after the update, as of its last access (new rows show up as a
     *         change of {@link #size()})
     */
    public double add(long local, long count, int source, double weighted, long clock, double lambda) {
        if (dCorpus != null) {
            int i = (int) local;
            if (local < 0 || local >= length) throw new IndexOutOfBoundsException("row " + local + " outside a shard of " + length);
            long c = dCorpus[i], n = dInference[i];
            if (c + n == 0) {
                size++;
                dLast[i] = clock;
                dScore[i] = weighted;
                if (source == SOURCE_CORPUS) dCorpus[i] = count; else dInference[i] = count;
                return weighted;
            }
            if (source == SOURCE_CORPUS) dCorpus[i] = c + count; else dInference[i] = n + count;
            long last = dLast[i];
            double score = dScore[i];
            if (clock >= last) {
                if (clock != last && lambda != 0) score *= decay(clock - last, lambda);
                dLast[i] = clock;
                score += weighted;
            } else {
                score += lambda == 0 ? weighted : weighted * decay(last - clock, lambda);
            }
            dScore[i] = score;
            return score;
        }
        long[] s = slots;
        int m = mask;
        int i = home(local, bits);
        while (true) {
            int b = i * STRIDE;
            long k = s[b];
            if (k == local) {
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
                if (local < 0 || local >= length) throw new IndexOutOfBoundsException("row " + local + " outside a shard of " + length);
                s[b] = local;
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

    /** Inserts a complete row (restore, merge); the row must not be present yet. */
    public void put(long local, long corpus, long inference, double score, long last) {
        if (local < 0 || local >= length) throw new IllegalArgumentException("row " + local + " outside a shard of " + length);
        if (corpus < 0 || inference < 0 || corpus + inference == 0) throw new IllegalArgumentException("a row needs a positive count");
        if (dCorpus != null) {
            int i = (int) local;
            if (dCorpus[i] + dInference[i] != 0) throw new IllegalStateException("duplicate row " + local);
            dCorpus[i] = corpus;
            dInference[i] = inference;
            dScore[i] = score;
            dLast[i] = last;
            size++;
            return;
        }
        long[] s = slots;
        int i = home(local, bits);
        while (true) {
            int b = i * STRIDE;
            long k = s[b];
            if (k == EMPTY) {
                s[b] = local;
                s[b + CORPUS] = corpus;
                s[b + INFERENCE] = inference;
                s[b + SCORE] = Double.doubleToRawLongBits(score);
                s[b + LAST] = last;
                if (++size > growAt) grow();
                return;
            }
            if (k == local) throw new IllegalStateException("duplicate row " + local);
            i = (i + 1) & mask;
        }
    }

    /** Doubles the hash table, or turns dense when the doubled table would be the larger form. */
    private void grow() {
        long[] old = slots;
        int newCap = (mask + 1) << 1;
        int n = size;
        size = 0;
        if ((long) newCap * STRIDE * Long.BYTES >= denseBytes() && length < Integer.MAX_VALUE - 8) {
            slots = null;
            makeDense();
        } else {
            allocate(newCap);
        }
        for (int b = 0; b < old.length; b += STRIDE) {
            if (old[b] != EMPTY) {
                put(old[b], old[b + CORPUS], old[b + INFERENCE], Double.longBitsToDouble(old[b + SCORE]), old[b + LAST]);
            }
        }
        if (size != n) throw new IllegalStateException("lost rows while growing");
    }

    /** Number of rows seen. */
    public int size() { return size; }

    /** Bytes held by the table's arrays. */
    public long memoryBytes() {
        return dCorpus != null ? denseBytes() : (long) slots.length * Long.BYTES;
    }

    /** Total count of local row {@code local}, or 0 if never seen. */
    public long count(long local) {
        if (dCorpus != null) return local < 0 || local >= length ? 0 : dCorpus[(int) local] + dInference[(int) local];
        int b = find(local);
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
        void row(long local, long corpus, long inference, double scoreAtLast, long last);
    }

    /** Visits every row (dense: in ascending order; sparse: in slot order). */
    public void forEach(RowVisitor v) {
        if (dCorpus != null) {
            for (int i = 0; i < dCorpus.length; i++) {
                if (dCorpus[i] + dInference[i] != 0) v.row(i, dCorpus[i], dInference[i], dScore[i], dLast[i]);
            }
            return;
        }
        long[] s = slots;
        for (int b = 0; b < s.length; b += STRIDE) {
            if (s[b] != EMPTY) v.row(s[b], s[b + CORPUS], s[b + INFERENCE], Double.longBitsToDouble(s[b + SCORE]), s[b + LAST]);
        }
    }

    /** A deep copy (Flink's copy-on-write snapshots call this): array clones. */
    public RowStatsTable copy() {
        RowStatsTable t = new RowStatsTable(length, 0, true);
        t.size = size;
        if (dCorpus != null) {
            t.dCorpus = dCorpus.clone();
            t.dInference = dInference.clone();
            t.dLast = dLast.clone();
            t.dScore = dScore.clone();
        } else {
            t.slots = slots.clone();
            t.bits = bits;
            t.mask = mask;
            t.growAt = growAt;
        }
        return t;
    }

    private RowStatsTable(long length, int unused, boolean shell) {
        this.length = length;
    }

    // ---- serialization --------------------------------------------------------------------------

    /**
     * Sparse: the occupied rows only, 40 bytes each. Dense: the four arrays in bulk, 32 bytes per
     * row of the shard (written through a small buffer, about memory speed).
     */
    public void write(DataOutput out) throws IOException {
        out.writeByte(dCorpus != null ? MODE_DENSE : MODE_SPARSE);
        out.writeLong(length);
        out.writeInt(size);
        if (dCorpus != null) {
            byte[] buf = new byte[1 << 16];
            writeLongs(dCorpus, out, buf);
            writeLongs(dInference, out, buf);
            writeLongs(dLast, out, buf);
            ByteBuffer bb = ByteBuffer.wrap(buf);
            for (int off = 0; off < dScore.length; off += buf.length / 8) {
                int n = Math.min(buf.length / 8, dScore.length - off);
                bb.clear();
                bb.asDoubleBuffer().put(dScore, off, n);
                out.write(buf, 0, n * 8);
            }
            return;
        }
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

    private static void writeLongs(long[] a, DataOutput out, byte[] buf) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf);
        for (int off = 0; off < a.length; off += buf.length / 8) {
            int n = Math.min(buf.length / 8, a.length - off);
            bb.clear();
            bb.asLongBuffer().put(a, off, n);
            out.write(buf, 0, n * 8);
        }
    }

    private static void readLongs(long[] a, DataInput in, byte[] buf) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf);
        for (int off = 0; off < a.length; off += buf.length / 8) {
            int n = Math.min(buf.length / 8, a.length - off);
            in.readFully(buf, 0, n * 8);
            bb.clear();
            bb.asLongBuffer().get(a, off, n);
        }
    }

    public static RowStatsTable read(DataInput in) throws IOException {
        int mode = in.readByte();
        long length = in.readLong();
        int n = in.readInt();
        if (length < 0 || n < 0 || n > length) throw new IOException("corrupt row stats table: " + n + " rows in a shard of " + length);
        if (mode == MODE_DENSE) {
            if (length > Integer.MAX_VALUE - 8) throw new IOException("corrupt row stats table: dense shard of " + length);
            RowStatsTable t = new RowStatsTable(length, 0, true);
            t.makeDense();
            byte[] buf = new byte[1 << 16];
            readLongs(t.dCorpus, in, buf);
            readLongs(t.dInference, in, buf);
            readLongs(t.dLast, in, buf);
            ByteBuffer bb = ByteBuffer.wrap(buf);
            for (int off = 0; off < t.dScore.length; off += buf.length / 8) {
                int k = Math.min(buf.length / 8, t.dScore.length - off);
                in.readFully(buf, 0, k * 8);
                bb.clear();
                bb.asDoubleBuffer().get(t.dScore, off, k);
            }
            t.size = n;
            return t;
        }
        if (mode != MODE_SPARSE) throw new IOException("corrupt row stats table: mode " + mode);
        RowStatsTable t = new RowStatsTable(length, n);
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
        if (!(o instanceof RowStatsTable other) || other.size != size || other.length != length) return false;
        boolean[] same = {true};
        forEach((k, c, i, sc, l) -> {
            if (!other.sameRow(k, c, i, sc, l)) same[0] = false;
        });
        return same[0];
    }

    private boolean sameRow(long k, long c, long i, double sc, long l) {
        if (dCorpus != null) {
            int x = (int) k;
            return dCorpus[x] == c && dInference[x] == i && Double.doubleToRawLongBits(dScore[x]) == Double.doubleToRawLongBits(sc) && dLast[x] == l;
        }
        int b = find(k);
        return b >= 0 && slots[b + CORPUS] == c && slots[b + INFERENCE] == i
                && slots[b + SCORE] == Double.doubleToRawLongBits(sc) && slots[b + LAST] == l;
    }

    @Override public int hashCode() {
        long[] h = {size};
        forEach((k, c, i, sc, l) -> h[0] += k * 31 + c * 17 + i);
        return Long.hashCode(h[0]);
    }

    @Override public String toString() {
        return "RowStatsTable{rows=" + size + " of " + length + (dCorpus != null ? ", dense}" : ", sparse slots=" + (mask + 1) + "}");
    }

    /** Empties the table (back to a small sparse form). */
    public void clear() {
        dCorpus = dInference = dLast = null;
        dScore = null;
        size = 0;
        allocate(MIN_CAPACITY);
    }
}
