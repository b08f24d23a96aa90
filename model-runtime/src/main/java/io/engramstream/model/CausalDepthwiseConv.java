package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * A depthwise (one filter per channel), causal, dilated 1-D convolution over the time axis of a
 * {@code (batch, time, channels)} array, without bias. Output position t sees inputs
 * t, t-d, ..., t-(k-1)d only: the input is padded by (k-1)d on both sides and the tail cut off.
 * Engram uses kernel 4 and dilation = the largest N-gram order, so the filter spans whole N-grams.
 *
 * <p>Computed as {@code y[t] = sum_k w[:,k] * x[t - (k_max - k) d]} over a zero-padded input: k
 * shifted multiply-adds, the same numbers as a grouped {@code conv1d} (the test checks it), but
 * without the engine's depthwise convolution kernel, which on CPU goes through oneDNN.
 */
public final class CausalDepthwiseConv extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int channels;
    private final int kernel;
    private final int dilation;
    private final Parameter weight;

    public CausalDepthwiseConv(int channels, int kernel, int dilation) {
        super(VERSION);
        if (channels < 1 || kernel < 1 || dilation < 1) throw new IllegalArgumentException("channels, kernel, dilation must be >= 1");
        this.channels = channels;
        this.kernel = kernel;
        this.dilation = dilation;
        // PyTorch's default for a depthwise Conv1d: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = kernel.
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(channels, 1, kernel))
                .optInitializer(new UniformInitializer((float) (1.0 / Math.sqrt(kernel)))).build());
    }

    public int kernel() { return kernel; }
    public int dilation() { return dilation; }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long b = s.get(0), t = s.get(1);
        NDArray w = ps.getValue(weight, x.getDevice(), training).reshape(channels, kernel);
        int pad = (kernel - 1) * dilation;
        NDArray padded = x.getManager().zeros(new Shape(b, pad, channels), x.getDataType(), x.getDevice()).concat(x, 1);
        NDArray y = null;
        for (int k = 0; k < kernel; k++) {
            long from = (long) k * dilation;
            NDArray term = padded.get(":, " + from + ":" + (from + t) + ", :").mul(w.get(":, " + k));
            y = y == null ? term : y.add(term);
        }
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) { return new Shape[] {inputShapes[0]}; }
}
