package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Root-mean-square normalization over the last axis with a learned per-channel scale,
 * {@code y = x / sqrt(mean(x^2) + eps) * weight} (no mean subtraction, no bias), as used on the
 * Engram key, query and value paths. DJL has LayerNorm but no RMSNorm.
 */
public final class RmsNorm extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int channels;
    private final float eps;
    private final Parameter weight;

    public RmsNorm(int channels) { this(channels, 1e-6f); }

    public RmsNorm(int channels, float eps) {
        super(VERSION);
        this.channels = channels;
        this.eps = eps;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).build());
    }

    public int channels() { return channels; }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        return new NDList(normalize(x, eps).mul(w));
    }

    /** The unscaled normalization, usable without a block. */
    public static NDArray normalize(NDArray x, float eps) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(Scalars.like(x, eps)).sqrt();
        return x.div(rms);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) { return new Shape[] {inputShapes[0]}; }
}
