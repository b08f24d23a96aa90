package io.engramstream.stats;

import io.engramstream.spec.RowKey;

/**
 * Pre-aggregates lookups into one {@code int} per row of the whole table (all layers laid end to
 * end). The fastest aggregator there is: an increment is one array store with no probing and no
 * branch, and independent increments overlap in the memory system. It costs 4 bytes per table
 * row, so it suits tables up to some 10^7-10^8 rows (the demo spec: 20.7 M rows, 83 MB); larger
 * tables use {@link SparseRowCounter}.
 *
 * <p>Hot path ({@link #add}): allocation-free. The caller must {@link #flush} before any row could
 * reach {@code Integer.MAX_VALUE} lookups ({@link #pending()} bounds that).
 */
public final class DenseRowCounter {
    private final int[] counts;
    private final long[] layerStart;     // layerStart[l] = first index of layer l; last entry = total
    private long pending;

    public DenseRowCounter(long[] rowsPerLayer) {
        layerStart = new long[rowsPerLayer.length + 1];
        for (int l = 0; l < rowsPerLayer.length; l++) layerStart[l + 1] = layerStart[l] + rowsPerLayer[l];
        if (layerStart[rowsPerLayer.length] > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("table too large for a dense counter: " + layerStart[rowsPerLayer.length] + " rows");
        }
        counts = new int[(int) layerStart[rowsPerLayer.length]];
    }

    /** Index of the first row of a layer; {@code index = layerStart(l) + row}. */
    public int layerStart(int layerIndex) { return (int) layerStart[layerIndex]; }

    public int totalRows() { return counts.length; }

    /** Counts one lookup of the row at dense index {@code index}. */
    public void add(int index) { counts[index]++; }

    /** Counts {@code n} lookups at once (the per-call bookkeeping the caller does for a batch). */
    public void addPending(long n) { pending += n; }

    /** The raw counts for callers' inner loops; they must {@link #addPending} what they add. */
    public int[] counts() { return counts; }

    /** Lookups added since the last flush. */
    public long pending() { return pending; }

    /** Receives a flush shard by shard: ascending local rows between {@link #begin} and {@link #end}. */
    public interface ShardRunSink {
        void begin(int shard);
        void delta(long local, long count);
        void end(int shard);
    }

    /**
     * Emits every non-zero row and resets it, shard by shard in ascending order: one sequential
     * sweep over the counts. {@code shards} must cut this counter's table ({@link RowShards#of}).
     */
    public void flush(RowShards shards, ShardRunSink sink) {
        if (shards.totalRows() != counts.length) throw new IllegalArgumentException("shards of another table");
        int[] c = counts;
        for (int s = 0; s < shards.shards(); s++) {
            int from = (int) shards.start(s), to = (int) shards.start(s + 1);
            boolean open = false;
            for (int i = from; i < to; i++) {
                int v = c[i];
                if (v != 0) {
                    c[i] = 0;
                    if (!open) {
                        sink.begin(s);
                        open = true;
                    }
                    sink.delta(i - from, v & 0xFFFFFFFFL);
                }
            }
            if (open) sink.end(s);
        }
        pending = 0;
    }

    /** Emits every non-zero row (ascending row key) and resets it. */
    public void flush(RowDeltaSink sink) {
        int[] c = counts;
        for (int l = 0; l + 1 < layerStart.length; l++) {
            int from = (int) layerStart[l], to = (int) layerStart[l + 1];
            long keyBase = RowKey.of(l, 0);
            for (int i = from; i < to; i++) {
                int v = c[i];
                if (v != 0) {
                    c[i] = 0;
                    sink.delta(keyBase + (i - from), v & 0xFFFFFFFFL);
                }
            }
        }
        pending = 0;
    }
}
