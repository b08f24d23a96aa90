package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Multi-head self-attention over {@code (B, T, H)} where position t attends to positions <= t. */
public final class CausalSelfAttention extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int hidden;
    private final int heads;
    private final Linear qkv;
    private final Linear out;

    public CausalSelfAttention(int hidden, int heads) {
        super(VERSION);
        if (hidden % heads != 0) throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
        this.hidden = hidden;
        this.heads = heads;
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * hidden).build());
        out = addChildBlock("out", Linear.builder().setUnits(hidden).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long b = x.getShape().get(0);
        int t = (int) x.getShape().get(1);
        int dh = hidden / heads;
        // (B,T,3H) -> (3, B, heads, T, dh)
        NDArray proj = qkv.forward(ps, new NDList(x), training).singletonOrThrow()
                .reshape(b, t, 3, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = proj.get(0);
        NDArray k = proj.get(1);
        NDArray v = proj.get(2);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(Scalars.like(q, Math.sqrt(dh))).add(causalMask(x.getManager(), t, x.getDataType()));
        NDArray ctx = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, hidden);
        return out.forward(ps, new NDList(ctx), training);
    }

    /** 0 on and below the diagonal, a large negative number above it. */
    static NDArray causalMask(NDManager manager, int t, DataType type) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) m[i * t + j] = -1e9f;
        return manager.create(m, new Shape(t, t)).toType(type, false);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes[0]);
        out.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) { return new Shape[] {inputShapes[0]}; }
}
