package io.engramstream.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * The shape of the tables a store holds: per layer a table of {@code rowsPerLayer} rows of
 * {@code dim} elements (all heads of the layer concatenated, as the reference's
 * {@code MultiHeadEmbedding} concatenates them), and {@code headsPerLayer} lookups per token per
 * layer. Derived from an {@code EngramSpec}; kept separate so the store can also hold a table with
 * another element format or width than the spec's (benchmarks), and so the cold file header can be
 * checked against it.
 */
public final class StoreLayout {
    private final long[] rowsPerLayer;
    private final long[] layerBase;
    private final int headsPerLayer;
    private final int dim;
    private final RowFormat format;
    private final String specFingerprint;

    public StoreLayout(long[] rowsPerLayer, int headsPerLayer, int dim, RowFormat format, String specFingerprint) {
        if (rowsPerLayer.length == 0) throw new IllegalArgumentException("a layout needs at least one layer");
        if (headsPerLayer <= 0) throw new IllegalArgumentException("headsPerLayer must be positive");
        if (dim <= 0) throw new IllegalArgumentException("dim must be positive");
        this.rowsPerLayer = rowsPerLayer.clone();
        this.layerBase = new long[rowsPerLayer.length + 1];
        for (int l = 0; l < rowsPerLayer.length; l++) {
            if (rowsPerLayer[l] <= 0) throw new IllegalArgumentException("layer " + l + " has no rows");
            layerBase[l + 1] = layerBase[l] + rowsPerLayer[l];
        }
        this.headsPerLayer = headsPerLayer;
        this.dim = dim;
        this.format = Objects.requireNonNull(format);
        this.specFingerprint = specFingerprint == null ? "" : specFingerprint;
    }

    /** The layout of a spec's tables: its rows per layer, heads, dims per head and dtype. */
    public static StoreLayout of(io.engramstream.spec.EngramSpec spec) {
        long[] rows = new long[spec.numLayers()];
        for (int l = 0; l < rows.length; l++) rows[l] = spec.rowsPerLayer(l);
        return new StoreLayout(rows, spec.headsPerLayer(), spec.embedDimPerHead(), RowFormat.of(spec.dtype()), spec.fingerprint());
    }

    public int numLayers() { return rowsPerLayer.length; }
    public long rowsPerLayer(int layerIndex) { return rowsPerLayer[layerIndex]; }
    public long totalRows() { return layerBase[rowsPerLayer.length]; }
    /** Rows of all layers before {@code layerIndex}: a row's position in the cold file is {@code layerBase + row}. */
    public long layerBase(int layerIndex) { return layerBase[layerIndex]; }
    public int headsPerLayer() { return headsPerLayer; }
    public int dim() { return dim; }
    public RowFormat format() { return format; }
    public String specFingerprint() { return specFingerprint; }
    public int rowBytes() { return dim * format.bytesPerElement(); }
    /** Bytes of one row as staged for / held on the device. */
    public int deviceRowBytes() { return dim * format.deviceBytesPerElement(); }
    public long tableBytes() { return totalRows() * rowBytes(); }
    /** Width of one layer's lookup output per token: heads x dim. */
    public int lookupWidth() { return headsPerLayer * dim; }

    public StoreLayout withFormat(RowFormat f) { return new StoreLayout(rowsPerLayer, headsPerLayer, dim, f, specFingerprint); }
    public StoreLayout withDim(int d) { return new StoreLayout(rowsPerLayer, headsPerLayer, d, format, specFingerprint); }

    /** Throws IllegalArgumentException unless {@code key} names a row of this layout. */
    public void checkKey(long key) {
        int layer = io.engramstream.spec.RowKey.layerIndex(key);
        long row = io.engramstream.spec.RowKey.row(key);
        if (layer >= rowsPerLayer.length || row >= rowsPerLayer[layer]) {
            throw new IllegalArgumentException("row " + io.engramstream.spec.RowKey.toString(key) + " is outside the table ("
                    + rowsPerLayer.length + " layers, " + (layer < rowsPerLayer.length ? rowsPerLayer[layer] + " rows in that layer" : "no such layer") + ")");
        }
    }

    /** Same table geometry and format; the spec fingerprint is compared separately. */
    public boolean sameShape(StoreLayout o) {
        return Arrays.equals(rowsPerLayer, o.rowsPerLayer) && headsPerLayer == o.headsPerLayer && dim == o.dim && format == o.format;
    }

    @Override public String toString() {
        return numLayers() + " layers x " + Arrays.toString(rowsPerLayer) + " rows x " + dim + " " + format
                + " (" + headsPerLayer + " lookups/token/layer, " + String.format("%.2f", tableBytes() / 1e9) + " GB)";
    }
}
