package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.djl.ndarray.NDManager;

/**
 * The Engram layer of the reference demo (DeepSeek, "Conditional Memory via Scalable Lookup"),
 * for one residual stream (no hyper-connections):
 *
 * <pre>
 *   e      = memory retrieved for each position: the concatenation over (order, head) of the
 *            gathered table rows, shape (B, T, E)            -- input, gathered by the caller
 *   k      = RMSNorm_k(W_k e + b_k)             q = RMSNorm_q(h)
 *   s      = (k . q) / sqrt(H);   gate = sigmoid(sign(s) * sqrt(max(|s|, 1e-6)))
 *   v      = gate * (W_v e + b_v)
 *   out    = v + SiLU(CausalDepthwiseConv_{kernel 4, dilation maxN}(RMSNorm_c(v)))
 *   h'     = h + out                                          -- added to the residual stream
 * </pre>
 *
 * Inputs: {@code (hidden (B,T,H), memory (B,T,E))}. Outputs: {@code (h' (B,T,H), gate (B,T,1))}.
 * The memory is an ordinary input rather than a parameter so that the table rows can live in a
 * tiered store and be trained by sparse row updates from the gradient of {@code e}.
 */
public final class EngramBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final float GATE_FLOOR = 1e-6f;

    private final int hidden;
    private final int memoryDim;
    private final Linear keyProj;
    private final Linear valueProj;
    private final RmsNorm keyNorm;
    private final RmsNorm queryNorm;
    private final RmsNorm convNorm;
    private final CausalDepthwiseConv conv;

    /**
     * @param hidden    the residual stream width H
     * @param memoryDim E = (maxNgram-1) * headsPerNgram * embedDimPerHead
     * @param kernel    the short convolution's kernel (4 in the reference)
     * @param dilation  the short convolution's dilation (the largest N-gram order in the reference)
     */
    public EngramBlock(int hidden, int memoryDim, int kernel, int dilation) {
        super(VERSION);
        this.hidden = hidden;
        this.memoryDim = memoryDim;
        keyProj = addChildBlock("key_proj", Linear.builder().setUnits(hidden).build());
        valueProj = addChildBlock("value_proj", Linear.builder().setUnits(hidden).build());
        keyNorm = addChildBlock("key_norm", new RmsNorm(hidden));
        queryNorm = addChildBlock("query_norm", new RmsNorm(hidden));
        convNorm = addChildBlock("conv_norm", new RmsNorm(hidden));
        conv = addChildBlock("short_conv", new CausalDepthwiseConv(hidden, kernel, dilation));
    }

    public int hidden() { return hidden; }
    public int memoryDim() { return memoryDim; }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = inputs.get(0);
        NDArray e = inputs.get(1);
        NDArray k = keyNorm.forward(ps, keyProj.forward(ps, new NDList(e), training), training).singletonOrThrow();
        NDArray q = queryNorm.forward(ps, new NDList(h), training).singletonOrThrow();
        NDArray s = k.mul(q).sum(new int[] {-1}, true).div(Scalars.like(k, Math.sqrt(hidden)));
        // Signed square root keeps the gate's logit in a range where sigmoid still has slope.
        NDArray gate = Activation.sigmoid(s.sign().mul(s.abs().maximum(Scalars.like(s, GATE_FLOOR)).sqrt()));
        NDArray v = gate.mul(valueProj.forward(ps, new NDList(e), training).singletonOrThrow());
        NDArray c = conv.forward(ps, convNorm.forward(ps, new NDList(v), training), training).singletonOrThrow();
        NDArray out = v.add(c.mul(Activation.sigmoid(c)));
        return new NDList(h.add(out), gate);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hs = inputShapes[0];
        Shape es = inputShapes[1];
        if (es.get(es.dimension() - 1) != memoryDim) {
            throw new IllegalArgumentException("memory input has width " + es.get(es.dimension() - 1) + ", block expects " + memoryDim);
        }
        keyProj.initialize(manager, dataType, es);
        valueProj.initialize(manager, dataType, es);
        keyNorm.initialize(manager, dataType, hs);
        queryNorm.initialize(manager, dataType, hs);
        convNorm.initialize(manager, dataType, hs);
        conv.initialize(manager, dataType, hs);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape hs = inputShapes[0];
        return new Shape[] {hs, hs.slice(0, hs.dimension() - 1).add(1)};
    }
}
