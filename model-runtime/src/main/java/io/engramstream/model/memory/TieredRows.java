package io.engramstream.model.memory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.RowKey;
import io.engramstream.store.StoreMetrics;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.store.TokenBatch;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * The tiered embedding store behind {@link EmbeddingRows}: forward passes use the store's batch
 * lookup (hot rows gathered on the device, warm from host memory, cold from the mapped file);
 * sparse updates read and write rows through the store's row API, which updates hot rows in
 * place on the device and writes warm and cold rows back, tracking them dirty until
 * {@link #flush()}.
 */
public final class TieredRows implements EmbeddingRows {
    private final TieredEmbeddingStore store;
    private final boolean ownsStore;
    private long[] rows = new long[1024];

    public TieredRows(TieredEmbeddingStore store, boolean ownsStore) {
        this.store = store;
        this.ownsStore = ownsStore;
    }

    public TieredEmbeddingStore store() { return store; }

    @Override public int dim() { return store.layout().dim(); }

    @Override
    public NDArray[] lookup(NDManager manager, int[] tokens, int batch, int len) {
        int[] t = tokens.length == batch * len ? tokens : Arrays.copyOf(tokens, batch * len);
        NDList l = store.lookup(manager, TokenBatch.wrap(batch, len, t));
        return l.toArray(new NDArray[0]);
    }

    @Override
    public void read(long[] keys, int off, int count, float[] dst, int dstOff) {
        int dim = dim();
        forEachLayerRun(keys, off, count, (layer, from, n) ->
                store.readRows(layer, rows, n, FloatBuffer.wrap(dst, dstOff + (from - off) * dim, n * dim)));
    }

    @Override
    public void write(long[] keys, int off, int count, float[] src, int srcOff) {
        int dim = dim();
        forEachLayerRun(keys, off, count, (layer, from, n) ->
                store.writeRows(layer, rows, n, FloatBuffer.wrap(src, srcOff + (from - off) * dim, n * dim)));
    }

    private interface Run { void apply(int layer, int from, int n); }

    /** Splits keys into runs of one layer; fills {@link #rows} with the in-layer rows of each run. */
    private void forEachLayerRun(long[] keys, int off, int count, Run run) {
        int i = off, end = off + count;
        while (i < end) {
            int layer = RowKey.layerIndex(keys[i]);
            int j = i;
            while (j < end && RowKey.layerIndex(keys[j]) == layer) j++;
            int n = j - i;
            if (rows.length < n) rows = new long[Math.max(n, rows.length * 2)];
            for (int k = 0; k < n; k++) rows[k] = RowKey.row(keys[i + k]);
            run.apply(layer, i, n);
            i = j;
        }
    }

    @Override public void flush() { store.flush(); }

    @Override
    public TierCounts tierCounts() {
        StoreMetrics m = store.metrics();
        return new TierCounts(m.tier(Tier.HOT).positionsServed(), m.tier(Tier.WARM).positionsServed(),
                m.tier(Tier.COLD).positionsServed(), m.rowsWritten());
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "tiered store, %,d rows x %d floats (%,d hot, %,d warm, rest cold in %s)",
                store.layout().totalRows(), dim(), store.hotRows(), store.warmRows(), store.coldTable().path().getFileName());
    }

    @Override public void close() { if (ownsStore) store.close(); }
}
