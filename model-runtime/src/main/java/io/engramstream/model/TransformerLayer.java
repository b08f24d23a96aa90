package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** A pre-norm causal transformer layer: {@code h += attn(norm(h)); h += mlp(norm(h))}, MLP width 4H with GELU. */
public final class TransformerLayer extends AbstractBlock {
    private static final byte VERSION = 1;
    private final RmsNorm attnNorm;
    private final CausalSelfAttention attn;
    private final RmsNorm mlpNorm;
    private final Linear up;
    private final Linear down;

    public TransformerLayer(int hidden, int heads) {
        super(VERSION);
        attnNorm = addChildBlock("attn_norm", new RmsNorm(hidden));
        attn = addChildBlock("attn", new CausalSelfAttention(hidden, heads));
        mlpNorm = addChildBlock("mlp_norm", new RmsNorm(hidden));
        up = addChildBlock("mlp_up", Linear.builder().setUnits(4L * hidden).build());
        down = addChildBlock("mlp_down", Linear.builder().setUnits(hidden).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = inputs.singletonOrThrow();
        h = h.add(attn.forward(ps, attnNorm.forward(ps, new NDList(h), training), training).singletonOrThrow());
        NDArray u = up.forward(ps, mlpNorm.forward(ps, new NDList(h), training), training).singletonOrThrow();
        return new NDList(h.add(down.forward(ps, new NDList(Activation.gelu(u)), training).singletonOrThrow()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        attnNorm.initialize(manager, dataType, s);
        attn.initialize(manager, dataType, s);
        mlpNorm.initialize(manager, dataType, s);
        up.initialize(manager, dataType, s);
        down.initialize(manager, dataType, s.slice(0, s.dimension() - 1).add(4L * s.get(s.dimension() - 1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) { return new Shape[] {inputShapes[0]}; }
}
