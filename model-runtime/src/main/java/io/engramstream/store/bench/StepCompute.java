package io.engramstream.store.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A fixed, real engine computation on looked-up embeddings that stands in for the rest of a model
 * step in {@code engram bench store}: per Engram layer, a linear projection of the layer's
 * [B, T, width] lookup to {@code hidden} (tanh), then {@code dense} more [hidden x hidden] matmuls
 * (tanh), summed over layers and reduced to one number read back on the host (so the step waits
 * for it). Not a model: its only job is to take a known, repeatable amount of engine time that
 * the prefetch of the next batch can overlap, as a model's forward/backward would.
 */
final class StepCompute implements AutoCloseable {
    private final NDManager weights;
    private final NDArray[] in;
    private final NDArray[] dense;
    private final int width;
    private final int hidden;

    StepCompute(int layers, int width, int hidden, int dense) {
        this.weights = NDManager.newBaseManager();
        this.width = width;
        this.hidden = hidden;
        this.in = new NDArray[layers];
        this.dense = new NDArray[layers * dense];
        for (int l = 0; l < layers; l++) in[l] = weights.randomNormal(0f, (float) (1 / Math.sqrt(width)), new Shape(width, hidden), DataType.FLOAT32);
        for (int k = 0; k < this.dense.length; k++) this.dense[k] = weights.randomNormal(0f, (float) (1 / Math.sqrt(hidden)), new Shape(hidden, hidden), DataType.FLOAT32);
    }

    /** Multiply-adds of one step on a batch of {@code tokens} tokens. */
    double flops(long tokens) {
        return 2.0 * tokens * ((double) in.length * width * hidden + (double) dense.length * hidden * hidden);
    }

    /**
     * Runs the step on one lookup (one [B, T, width] array per layer). Intermediate arrays belong
     * to the inputs' manager: callers pass a lookup attached to a short-lived sub-manager.
     */
    float run(NDList lookup) {
        int perLayer = dense.length / in.length;
        NDArray acc = null;
        for (int l = 0; l < in.length; l++) {
            NDArray h = lookup.get(l).reshape(-1, width).matMul(in[l]).tanh();
            for (int k = 0; k < perLayer; k++) h = h.matMul(dense[l * perLayer + k]).tanh();
            acc = acc == null ? h : acc.add(h);
        }
        return acc.sum().getFloat();
    }

    @Override public void close() { weights.close(); }
}
