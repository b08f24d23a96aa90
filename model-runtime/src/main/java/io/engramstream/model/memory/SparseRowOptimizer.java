package io.engramstream.model.memory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Applies gradient steps to table rows one row at a time: read the rows a batch touched, update
 * them with their (already summed) gradients, write them back through {@link EmbeddingRows}.
 * Rows a batch did not touch are not visited, which equals a dense update of the whole table for
 * SGD and Adagrad (a zero gradient leaves both the row and its Adagrad accumulator unchanged).
 *
 * <p>Every row the optimizer has updated gets a slot (in first-update order) in {@link #touched()};
 * per-row state (Adagrad's sum of squared gradients, one float per element) lives in that slot.
 * Both are saved with a checkpoint, and the touched rows are exactly the rows whose values differ
 * from their initializer, so a checkpoint stores those rows only, whatever the table's backing.
 * The update loops are allocation-free once the state has room for the rows.
 */
public abstract class SparseRowOptimizer {
    public enum Kind { SGD, ADAGRAD }

    protected final int dim;
    protected final float learningRate;
    protected final LongIndexMap touched = new LongIndexMap(1 << 14);
    private float[] rowBuffer = new float[0];

    protected SparseRowOptimizer(int dim, float learningRate) {
        this.dim = dim;
        this.learningRate = learningRate;
    }

    public static SparseRowOptimizer sgd(int dim, float learningRate) { return new Sgd(dim, learningRate); }

    public static SparseRowOptimizer adagrad(int dim, float learningRate, float eps) { return new Adagrad(dim, learningRate, eps); }

    public static SparseRowOptimizer of(Kind kind, int dim, float learningRate) {
        return kind == Kind.SGD ? sgd(dim, learningRate) : adagrad(dim, learningRate, 1e-10f);
    }

    public abstract Kind kind();

    public float learningRate() { return learningRate; }

    /**
     * One step for {@code count} distinct rows: {@code grads[i*dim ..]} is the full gradient of
     * row {@code keys[i]} (duplicates within the batch already summed).
     */
    public final void apply(EmbeddingRows rows, long[] keys, int count, float[] grads) {
        if (rows.dim() != dim) throw new IllegalArgumentException("table rows have " + rows.dim() + " floats, optimizer expects " + dim);
        int n = count * dim;
        if (rowBuffer.length < n) rowBuffer = new float[Math.max(n, rowBuffer.length * 2)];
        rows.read(keys, 0, count, rowBuffer, 0);
        for (int i = 0; i < count; i++) update(touched.getOrAdd(keys[i]), rowBuffer, grads, i * dim);
        rows.write(keys, 0, count, rowBuffer, 0);
    }

    /** Updates {@code w[off..off+dim)} in place from {@code g[off..off+dim)}; {@code slot} is the row's slot in {@link #touched()}. */
    protected abstract void update(int slot, float[] w, float[] g, int off);

    /** The rows updated so far, in first-update order. Live: do not modify. */
    public LongIndexMap touched() { return touched; }

    /** Number of rows that carry optimizer state. */
    public abstract int rowsWithState();

    public void save(DataOutputStream out) throws IOException {
        out.writeUTF(kind().name());
        out.writeInt(dim);
        out.writeFloat(learningRate);
        int n = touched.size();
        out.writeInt(n);
        long[] keys = touched.keysBySlot();
        for (int i = 0; i < n; i++) out.writeLong(keys[i]);
        saveState(out);
    }

    /** Restores state saved by {@link #save}; the kind and width must match this optimizer. */
    public void load(DataInputStream in) throws IOException {
        String k = in.readUTF();
        int d = in.readInt();
        in.readFloat();
        if (!k.equals(kind().name()) || d != dim) {
            throw new IOException("checkpoint holds " + k + " state for rows of " + d + ", this run uses " + kind() + " with " + dim);
        }
        touched.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) touched.getOrAdd(in.readLong());
        loadState(in);
    }

    protected abstract void saveState(DataOutputStream out) throws IOException;

    protected abstract void loadState(DataInputStream in) throws IOException;

    @Override
    public String toString() { return String.format(Locale.ROOT, "%s(lr=%g)", kind().name().toLowerCase(Locale.ROOT), learningRate); }

    static final class Sgd extends SparseRowOptimizer {
        Sgd(int dim, float lr) { super(dim, lr); }

        @Override public Kind kind() { return Kind.SGD; }

        @Override
        protected void update(int slot, float[] w, float[] g, int off) {
            for (int i = off, end = off + dim; i < end; i++) w[i] -= learningRate * g[i];
        }

        @Override public int rowsWithState() { return 0; }
        @Override protected void saveState(DataOutputStream out) {}
        @Override protected void loadState(DataInputStream in) {}
    }

    /** Adagrad: {@code s += g^2; w -= lr * g / (sqrt(s) + eps)}, element-wise, state per row. */
    static final class Adagrad extends SparseRowOptimizer {
        private final float eps;
        private float[] sums;

        Adagrad(int dim, float lr, float eps) {
            super(dim, lr);
            this.eps = eps;
            sums = new float[(1 << 12) * dim];
        }

        @Override public Kind kind() { return Kind.ADAGRAD; }

        @Override
        protected void update(int slot, float[] w, float[] g, int off) {
            int s = slot * dim;
            if (s + dim > sums.length) sums = Arrays.copyOf(sums, Math.max(s + dim, sums.length * 2));
            for (int i = 0; i < dim; i++) {
                float gi = g[off + i];
                float acc = sums[s + i] + gi * gi;
                sums[s + i] = acc;
                w[off + i] -= learningRate * gi / ((float) Math.sqrt(acc) + eps);
            }
        }

        @Override public int rowsWithState() { return touched.size(); }

        @Override
        protected void saveState(DataOutputStream out) throws IOException {
            int n = touched.size() * dim;
            for (int i = 0; i < n; i++) out.writeFloat(sums[i]);
        }

        @Override
        protected void loadState(DataInputStream in) throws IOException {
            int n = touched.size() * dim;
            if (sums.length < n) sums = new float[n];
            for (int i = 0; i < n; i++) sums[i] = in.readFloat();
        }
    }
}
