package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.engramstream.model.memory.EngramMemory;

/**
 * A {@link TinyLanguageModel} together with the memory its Engram blocks read: one forward call
 * takes token windows (LM ids for the embedding, canonical ids for the hashing), gathers the
 * table rows and runs the network. Owns the NDManager of its parameters.
 */
public final class EngramLm implements AutoCloseable {
    private final ModelConfig config;
    private final TinyLanguageModel model;
    private final EngramMemory memory;
    private final NDManager manager;
    private final ParameterStore parameterStore;

    /** A new model with freshly initialized parameters (seed the engine first for reproducibility). */
    public EngramLm(ModelConfig config, EngramMemory memory, NDManager manager) {
        if (config.hasEngram() != (memory != null)) throw new IllegalArgumentException("a model with Engram layers needs a memory, and only then");
        if (memory != null && memory.memoryDim() != config.memoryDim()) {
            throw new IllegalArgumentException("memory gives " + memory.memoryDim() + " floats per position, model expects " + config.memoryDim());
        }
        if (memory != null && memory.numLayers() != config.engramLayers().length) {
            throw new IllegalArgumentException("memory has " + memory.numLayers() + " layers, model has " + config.engramLayers().length + " Engram blocks");
        }
        this.config = config;
        this.memory = memory;
        this.manager = manager;
        this.model = new TinyLanguageModel(config);
        model.initialize(manager, DataType.FLOAT32);
        this.parameterStore = new ParameterStore(manager, false);
    }

    public ModelConfig config() { return config; }
    public TinyLanguageModel model() { return model; }
    public EngramMemory memory() { return memory; }
    public NDManager manager() { return manager; }

    /** The result of a forward pass: logits {@code (B,T,V)}, Engram gates, and the retrieved memory arrays. */
    public record Forward(NDArray logits, NDList gates, NDArray[] retrieved) {}

    /**
     * Runs windows {@code [b*len, (b+1)*len)} of {@code lmTokens}/{@code hashTokens}. Arrays are
     * created in {@code step}; with {@code training} the retrieved memory carries gradients.
     */
    public Forward forward(NDManager step, int[] lmTokens, int[] hashTokens, int batch, int len, boolean training) {
        long[] ids = new long[batch * len];
        for (int i = 0; i < ids.length; i++) ids[i] = lmTokens[i];
        NDList inputs = new NDList(step.create(ids, new Shape(batch, len)));
        NDArray[] retrieved = new NDArray[0];
        if (memory != null) {
            retrieved = memory.retrieve(step, hashTokens, batch, len, training);
            for (NDArray e : retrieved) inputs.add(e);
        }
        NDList out = model.forward(parameterStore, inputs, training);
        NDList gates = new NDList();
        for (int i = 1; i < out.size(); i++) gates.add(out.get(i));
        return new Forward(out.get(0), gates, retrieved);
    }

    /** Mean next-token cross-entropy of {@code logits (B,T,V)} against {@code targets} (LM ids, B*T). */
    public static NDArray crossEntropy(NDArray logits, int[] targets) {
        Shape s = logits.getShape();
        long[] t = new long[targets.length];
        for (int i = 0; i < t.length; i++) t[i] = targets[i];
        NDArray idx = logits.getManager().create(t, new Shape(s.get(0), s.get(1), 1));
        return logits.logSoftmax(-1).gather(idx, -1).neg().mean();
    }

    @Override public void close() { manager.close(); }
}
