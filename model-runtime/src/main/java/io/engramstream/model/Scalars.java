package io.engramstream.model;

import ai.djl.ndarray.NDArray;

/**
 * Scalar constants for differentiable arithmetic. DJL's {@code x.div(2.0)}, {@code x.mul(n)},
 * {@code x.maximum(n)} wrap the number in a scalar array backed by a Java direct buffer and close
 * it as soon as the op returns; autograd keeps that scalar for the backward pass ({@code div} and
 * {@code mul} need the other operand for their gradient, {@code maximum} for its mask), and by then
 * the garbage collector may have freed and reused the memory: gradients then read garbage, now
 * and then NaN or infinity. Here the scalar lives in the operand's manager (a training step's
 * manager), i.e. until after the backward pass.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code value} as a scalar array of {@code like}'s type, in {@code like}'s manager. */
    public static NDArray like(NDArray like, double value) {
        NDArray s = like.getManager().create(value);
        return s.getDataType() == like.getDataType() ? s : s.toType(like.getDataType(), false);
    }
}
