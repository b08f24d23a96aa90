package io.engramstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam for a block's dense parameters, with global-norm gradient clipping, and moment state
 * that is saved with a checkpoint (DJL's optimizers keep theirs private, so a resumed run would
 * restart its moments). Call {@link #step} after {@code backward}; it also zeroes the gradients,
 * which PyTorch's gradient collector does not do. Parameters are looked up on every step, so
 * arrays replaced by {@code loadParameters} are picked up.
 */
public final class DenseAdam {
    private final NDManager manager;
    private final List<String> names = new ArrayList<>();
    private final List<Parameter> params = new ArrayList<>();
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final float learningRate;
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float eps = 1e-8f;
    private final float clipNorm;
    private long steps;

    public DenseAdam(Block block, NDManager manager, float learningRate, float clipNorm) {
        this.manager = manager;
        this.learningRate = learningRate;
        this.clipNorm = clipNorm;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().requiresGradient()) continue;
            NDArray w = p.getValue().getArray();
            names.add(p.getKey());
            params.add(p.getValue());
            means.add(manager.zeros(w.getShape(), w.getDataType()));
            variances.add(manager.zeros(w.getShape(), w.getDataType()));
        }
    }

    public long steps() { return steps; }

    /** One update of every parameter from its gradient; returns the gradient's global L2 norm before clipping. */
    public double step() {
        steps++;
        try (NDManager tmp = manager.newSubManager()) {
            List<NDArray> grads = new ArrayList<>(params.size());
            double sq = 0;
            for (Parameter p : params) {
                NDArray g = p.getArray().getGradient();
                g.attach(tmp);
                grads.add(g);
                NDArray s = g.square().sum();
                s.attach(tmp);
                sq += s.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
            double norm = Math.sqrt(sq);
            float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / norm) : 1f;
            float c1 = (float) (1 - Math.pow(beta1, steps));
            float c2 = (float) (1 - Math.pow(beta2, steps));
            for (int i = 0; i < params.size(); i++) {
                NDArray g = grads.get(i);
                if (scale != 1f) g.muli(scale);
                NDArray m = means.get(i);
                NDArray v = variances.get(i);
                // Every new array below is attached to tmp and freed with it; m, v, w change in place.
                NDArray gm = own(tmp, g.mul(1 - beta1));
                m.muli(beta1).addi(gm);
                NDArray g2 = own(tmp, g.square());
                v.muli(beta2).addi(g2.muli(1 - beta2));
                NDArray denom = own(tmp, own(tmp, v.div(c2)).sqrt()).addi(eps);
                NDArray update = own(tmp, m.mul(learningRate / c1)).divi(denom);
                params.get(i).getArray().subi(update);
                g.subi(g);
            }
            return norm;
        }
    }

    /** Zeroes every gradient without updating (e.g. after an evaluation pass that ran backward). */
    public void zeroGradients() {
        for (Parameter p : params) {
            try (NDArray g = p.getArray().getGradient()) {
                g.subi(g);
            }
        }
    }

    private static NDArray own(NDManager tmp, NDArray a) {
        a.attach(tmp);
        return a;
    }

    public void save(DataOutputStream out) throws IOException {
        out.writeLong(steps);
        out.writeInt(names.size());
        for (int i = 0; i < names.size(); i++) {
            out.writeUTF(names.get(i));
            writeArray(out, means.get(i));
            writeArray(out, variances.get(i));
        }
    }

    public void load(DataInputStream in) throws IOException {
        steps = in.readLong();
        int n = in.readInt();
        if (n != names.size()) throw new IOException("checkpoint has optimizer state for " + n + " parameters, model has " + names.size());
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            if (!name.equals(names.get(i))) throw new IOException("checkpoint parameter " + name + " where the model has " + names.get(i));
            readArray(in, means.get(i));
            readArray(in, variances.get(i));
        }
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        float[] f = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        out.writeInt(f.length);
        for (float x : f) out.writeFloat(x);
    }

    private static void readArray(DataInputStream in, NDArray a) throws IOException {
        int n = in.readInt();
        if (n != a.size()) throw new IOException("optimizer state of " + n + " floats for a parameter of " + a.size());
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = in.readFloat();
        a.set(f);
    }
}
