package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * A depthwise (one filter per channel), causal, dilated 1-D convolution over the time axis of a
 * {@code (batch, time, channels)} array, without bias. Output position t sees inputs
 * t, t-d, ..., t-(k-1)d only: the input is padded by (k-1)d on both sides and the tail cut off.
 * Engram uses kernel 4 and dilation = the largest N-gram order, so the filter spans whole N-grams.
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
        long t = x.getShape().get(1);
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        int pad = (kernel - 1) * dilation;
        NDArray y = Conv1d.conv1d(x.transpose(0, 2, 1), w, null, new Shape(1), new Shape(pad), new Shape(dilation), channels)
                .singletonOrThrow();
        return new NDList(y.get(":, :, :" + t).transpose(0, 2, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) { return new Shape[] {inputShapes[0]}; }
}
