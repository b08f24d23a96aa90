package io.engramstream.model.memory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The bridge between a table of rows and the Engram layers: {@link #retrieve} hashes a batch of
 * token windows to row keys, gathers the rows (or lets the backing's own batch lookup do it, see
 * {@link EmbeddingRows#lookup}) and hands each layer its memory {@code e} as an
 * NDArray {@code (B, T, headsPerLayer*dim)} (optionally with a gradient attached);
 * {@link #applyGradients} reads the gradient of each {@code e} back, sums it per distinct row
 * and lets a {@link SparseRowOptimizer} update exactly those rows in the table.
 *
 * <p>Buffers are reused across batches of the same size: one instance per training or serving
 * thread.
 */
public final class EngramMemory {
    private final RowAddresser addresser;
    private final EmbeddingRows rows;
    private final int layers;
    private final int heads;
    private final int dim;
    private final LongIndexMap distinct = new LongIndexMap(1 << 14);

    private long[] windowKeys = new long[0];
    private long[][] keys;
    private float[] gathered = new float[0];
    private float[] summed = new float[0];
    private int batch;
    private int len;

    public EngramMemory(RowAddresser addresser, EmbeddingRows rows) {
        this.addresser = addresser;
        this.rows = rows;
        this.layers = addresser.numLayers();
        this.heads = addresser.headsPerLayer();
        this.dim = rows.dim();
        this.keys = new long[layers][0];
    }

    public int numLayers() { return layers; }
    public int headsPerLayer() { return heads; }
    public int rowDim() { return dim; }
    /** Width of {@code e}: headsPerLayer * rowDim. */
    public int memoryDim() { return heads * dim; }
    public EmbeddingRows rows() { return rows; }

    /**
     * Gathers memory for {@code batch} windows of {@code len} tokens stored back to back in
     * {@code tokens}. Returns one array per Engram layer, created in {@code manager}; with
     * {@code requiresGrad} each carries a gradient for {@link #applyGradients}.
     */
    public NDArray[] retrieve(NDManager manager, int[] tokens, int batch, int len, boolean requiresGrad) {
        this.batch = batch;
        this.len = len;
        int perWindow = layers * len * heads;
        if (windowKeys.length < perWindow) windowKeys = new long[perWindow];
        int perLayer = batch * len * heads;
        if (keys[0].length != perLayer) keys = new long[layers][perLayer];
        for (int b = 0; b < batch; b++) {
            addresser.rowKeys(tokens, b * len, len, windowKeys);
            for (int l = 0; l < layers; l++) {
                System.arraycopy(windowKeys, l * len * heads, keys[l], b * len * heads, len * heads);
            }
        }
        NDArray[] out = rows.lookup(manager, tokens, batch, len);
        if (out == null) {
            if (gathered.length < perLayer * dim) gathered = new float[perLayer * dim];
            out = new NDArray[layers];
            Shape shape = new Shape(batch, len, (long) heads * dim);
            for (int l = 0; l < layers; l++) {
                rows.read(keys[l], 0, perLayer, gathered, 0);
                out[l] = manager.create(java.nio.FloatBuffer.wrap(gathered, 0, perLayer * dim), shape);
            }
        }
        if (requiresGrad) for (NDArray e : out) e.setRequiresGradient(true);
        return out;
    }

    /** The row keys of the last {@link #retrieve} for layer {@code l}, layout {@code [(b*len + t)*heads + j]}. */
    public long[] lastKeys(int layerIndex) { return keys[layerIndex]; }

    /**
     * Sums the gradient of each retrieved array per distinct row and applies one optimizer step
     * to those rows. Returns the number of distinct rows updated.
     */
    public int applyGradients(NDArray[] retrieved, SparseRowOptimizer optimizer) {
        int perLayer = batch * len * heads;
        int updated = 0;
        for (int l = 0; l < layers; l++) {
            float[] grad;
            try (NDArray g = retrieved[l].getGradient()) {
                grad = g.toFloatArray();
            }
            distinct.clear();
            if (summed.length < perLayer * dim) summed = new float[perLayer * dim];
            long[] k = keys[l];
            for (int p = 0; p < perLayer; p++) {
                int before = distinct.size();
                int s = distinct.getOrAdd(k[p]) * dim;
                int src = p * dim;
                if (distinct.size() > before) {
                    System.arraycopy(grad, src, summed, s, dim);
                } else {
                    for (int i = 0; i < dim; i++) summed[s + i] += grad[src + i];
                }
            }
            optimizer.apply(rows, distinct.keysBySlot(), distinct.size(), summed);
            updated += distinct.size();
        }
        return updated;
    }
}
