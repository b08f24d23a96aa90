package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A small causal language model to prove the Engram memory: token embedding, a few pre-norm
 * transformer layers with an {@link EngramBlock} in front of the spec's layers, final RMSNorm,
 * LM head.
 *
 * <p>Inputs: {@code tokens (B,T)} int64, then one memory array {@code (B,T,memoryDim)} per Engram
 * layer in {@link ModelConfig#engramLayers()} order. Outputs: {@code logits (B,T,V)}, then each
 * Engram block's gate {@code (B,T,1)}.
 */
public final class TinyLanguageModel extends AbstractBlock {
    private static final byte VERSION = 1;
    private final ModelConfig config;
    private final Parameter tokenEmbedding;
    private final TransformerLayer[] layers;
    private final EngramBlock[] engrams;
    private final RmsNorm finalNorm;
    private final Linear head;

    public TinyLanguageModel(ModelConfig config) {
        super(VERSION);
        this.config = config;
        tokenEmbedding = addParameter(Parameter.builder().setName("token_embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.hidden())).optInitializer(new NormalInitializer(1f)).build());
        layers = new TransformerLayer[config.layers()];
        engrams = new EngramBlock[config.engramLayers().length];
        for (int l = 0; l < config.layers(); l++) {
            int e = config.engramIndexAt(l);
            if (e >= 0) {
                engrams[e] = addChildBlock("engram" + l, new EngramBlock(config.hidden(), config.memoryDim(), config.convKernel(), config.convDilation()));
            }
            layers[l] = addChildBlock("layer" + l, new TransformerLayer(config.hidden(), config.attentionHeads()));
        }
        finalNorm = addChildBlock("final_norm", new RmsNorm(config.hidden()));
        head = addChildBlock("lm_head", Linear.builder().setUnits(config.vocabSize()).build());
    }

    public ModelConfig config() { return config; }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.get(0);
        if (inputs.size() != 1 + engrams.length) {
            throw new IllegalArgumentException("expected tokens and " + engrams.length + " memory arrays, got " + inputs.size() + " inputs");
        }
        NDArray w = ps.getValue(tokenEmbedding, tokens.getDevice(), training);
        NDArray h = Embedding.embedding(tokens, w, SparseFormat.DENSE).singletonOrThrow();
        NDList out = new NDList(1 + engrams.length);
        out.add(null);
        for (int l = 0; l < layers.length; l++) {
            int e = config.engramIndexAt(l);
            if (e >= 0) {
                NDList r = engrams[e].forward(ps, new NDList(h, inputs.get(1 + e)), training);
                h = r.get(0);
                out.add(r.get(1));
            }
            h = layers[l].forward(ps, new NDList(h), training).singletonOrThrow();
        }
        NDArray logits = head.forward(ps, finalNorm.forward(ps, new NDList(h), training), training).singletonOrThrow();
        out.set(0, logits);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        Shape hs = tokens.add(config.hidden());
        Shape es = tokens.add(config.memoryDim());
        // Engram blocks last: a model with Engram then starts from the same random weights as the
        // same model without it (the engine's random stream is consumed in the same order).
        for (TransformerLayer l : layers) l.initialize(manager, dataType, hs);
        finalNorm.initialize(manager, dataType, hs);
        head.initialize(manager, dataType, hs);
        for (EngramBlock e : engrams) e.initialize(manager, dataType, hs, es);
    }

    /** Initializes for training windows of the configured context length. */
    public void initialize(NDManager manager, DataType dataType) {
        Shape tokens = new Shape(1, config.contextLength());
        Shape[] shapes = new Shape[1 + engrams.length];
        shapes[0] = tokens;
        for (int i = 0; i < engrams.length; i++) shapes[1 + i] = tokens.add(config.memoryDim());
        initialize(manager, dataType, shapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[1 + engrams.length];
        out[0] = inputShapes[0].add(config.vocabSize());
        for (int i = 0; i < engrams.length; i++) out[1 + i] = inputShapes[0].add(1);
        return out;
    }
}
