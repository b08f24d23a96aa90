package io.engramstream.stats;

import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.io.Serializable;

/**
 * Cuts a spec's table into a fixed number of virtual shards of consecutive rows. All layers are
 * laid end to end into one dense row index ({@code index = layerStart + row}); shard {@code s}
 * holds indexes {@code [start(s), start(s+1))}. Buckets are hash values, so consecutive ranges
 * are evenly loaded, and consecutive rows make a shard's deltas one ascending run: the
 * pre-aggregator's flush and the statistics update are sequential sweeps, and a densely touched
 * shard can be stored as plain arrays indexed by {@code index - start(s)}.
 *
 * <p>The shard count is fixed for the life of a statistics state (it is the job's max
 * parallelism), so a row's shard never changes when the job is rescaled.
 */
public final class RowShards implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] layerStart;
    private final long total;
    private final int shards;

    public RowShards(long[] rowsPerLayer, int shards) {
        if (shards < 1) throw new IllegalArgumentException("shards must be >= 1");
        layerStart = new long[rowsPerLayer.length + 1];
        for (int l = 0; l < rowsPerLayer.length; l++) layerStart[l + 1] = layerStart[l] + rowsPerLayer[l];
        total = layerStart[rowsPerLayer.length];
        if (total < 1) throw new IllegalArgumentException("empty table");
        if (Math.multiplyHigh(total, shards) != 0 || total * shards < 0) throw new IllegalArgumentException("table too large for " + shards + " shards");
        this.shards = shards;
    }

    public static RowShards of(EngramSpec spec, int shards) {
        long[] rows = new long[spec.numLayers()];
        for (int l = 0; l < rows.length; l++) rows[l] = spec.rowsPerLayer(l);
        return new RowShards(rows, shards);
    }

    public int shards() { return shards; }

    public long totalRows() { return total; }

    public int numLayers() { return layerStart.length - 1; }

    /** First dense index of a layer. */
    public long layerStart(int layerIndex) { return layerStart[layerIndex]; }

    /** The dense index of a row key. */
    public long index(long rowKey) { return layerStart[RowKey.layerIndex(rowKey)] + RowKey.row(rowKey); }

    /** The row key of a dense index. */
    public long rowKey(long index) {
        int l = 0;
        while (index >= layerStart[l + 1]) l++;
        return RowKey.of(l, index - layerStart[l]);
    }

    /** The shard of a dense index: {@code floor(index * shards / total)}. */
    public int shardOf(long index) { return (int) (index * shards / total); }

    /** First dense index of shard {@code s} ({@code s == shards} gives the table's end). */
    public long start(int s) { return ((long) s * total + shards - 1) / shards; }

    /** Rows in shard {@code s}. */
    public long length(int s) { return start(s + 1) - start(s); }
}
