package io.engramstream.model.memory;

import io.engramstream.spec.RowKey;

/**
 * All rows of every layer in plain heap arrays, initialized eagerly by a {@link RowInitializer}.
 * The reference backing: small tables for tests and the training comparison against the tiered
 * store. One {@code float[]} per layer, so a layer holds at most 2^31 floats.
 */
public final class FlatEmbeddingRows implements EmbeddingRows {
    private final int dim;
    private final long[] rowsPerLayer;
    private final float[][] data;

    public FlatEmbeddingRows(long[] rowsPerLayer, int dim, RowInitializer init) {
        this.dim = dim;
        this.rowsPerLayer = rowsPerLayer.clone();
        this.data = new float[rowsPerLayer.length][];
        for (int l = 0; l < rowsPerLayer.length; l++) {
            long floats = rowsPerLayer[l] * dim;
            if (floats > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("layer " + l + " has " + rowsPerLayer[l] + " rows x " + dim
                        + ": too large for a flat table, use the tiered store");
            }
            float[] d = new float[(int) floats];
            for (long r = 0; r < rowsPerLayer[l]; r++) init.fill(RowKey.of(l, r), d, (int) (r * dim), dim);
            data[l] = d;
        }
    }

    @Override public int dim() { return dim; }

    public long rows(int layerIndex) { return rowsPerLayer[layerIndex]; }

    @Override
    public void read(long[] keys, int off, int count, float[] dst, int dstOff) {
        for (int i = 0; i < count; i++) {
            long k = keys[off + i];
            System.arraycopy(layer(k), offset(k), dst, dstOff + i * dim, dim);
        }
    }

    @Override
    public void write(long[] keys, int off, int count, float[] src, int srcOff) {
        for (int i = 0; i < count; i++) {
            long k = keys[off + i];
            System.arraycopy(src, srcOff + i * dim, layer(k), offset(k), dim);
        }
    }

    private float[] layer(long key) { return data[RowKey.layerIndex(key)]; }

    private int offset(long key) {
        long row = RowKey.row(key);
        if (row >= rowsPerLayer[RowKey.layerIndex(key)]) throw new IndexOutOfBoundsException("row " + RowKey.toString(key));
        return (int) (row * dim);
    }

    @Override
    public String describe() {
        long rows = 0;
        for (long r : rowsPerLayer) rows += r;
        return String.format("flat in-memory, %d layer(s), %,d rows x %d floats", rowsPerLayer.length, rows, dim);
    }
}
