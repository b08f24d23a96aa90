package io.engramstream.model.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.engramstream.model.EngramBlock;
import io.engramstream.spec.RowKey;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A sparse row update (gather rows, backward to the gathered array, sum per distinct row, update
 * those rows only) equals the dense update of an nn.Embedding-style table whose gradient comes
 * from autograd through the embedding op, for SGD and Adagrad over several steps.
 */
class SparseRowUpdateTest {
    static final int ROWS = 23, DIM = 3, HEADS = 2, B = 2, T = 6, H = 5;

    /** Few rows and many lookups: every batch hits some rows several times. */
    static final RowAddresser ADDRESSER = new RowAddresser() {
        @Override public int numLayers() { return 1; }
        @Override public int headsPerLayer() { return HEADS; }
        @Override public void rowKeys(int[] tokens, int off, int len, long[] out) {
            for (int t = 0; t < len; t++) {
                int prev = t == 0 ? 0 : tokens[off + t - 1];
                for (int j = 0; j < HEADS; j++) out[t * HEADS + j] = RowKey.of(0, Math.floorMod(tokens[off + t] * 5 + prev * 3 + j * 7, ROWS));
            }
        }
    };

    @Test void sgdSparseEqualsDense() { check(SparseRowOptimizer.sgd(DIM, 0.3f), false); }

    @Test void adagradSparseEqualsDense() { check(SparseRowOptimizer.adagrad(DIM, 0.3f, 1e-10f), true); }

    private void check(SparseRowOptimizer sparseOpt, boolean adagrad) {
        float lr = sparseOpt.learningRate();
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            EngramBlock block = new EngramBlock(H, HEADS * DIM, 4, 2);
            block.initialize(m, DataType.FLOAT32, new Shape(B, T, H), new Shape(B, T, HEADS * DIM));
            ParameterStore ps = new ParameterStore(m, false);
            FlatEmbeddingRows table = new FlatEmbeddingRows(new long[] {ROWS}, DIM, new RowInitializer(9, 1f));
            float[] dense = new float[ROWS * DIM];
            table.read(allKeys(), 0, ROWS, dense, 0);
            float[] denseSums = new float[ROWS * DIM];
            EngramMemory memory = new EngramMemory(ADDRESSER, table);
            Random rnd = new Random(4);
            int maxMultiplicity = 0;
            for (int step = 0; step < 4; step++) {
                int[] tokens = new int[B * T];
                for (int i = 0; i < tokens.length; i++) tokens[i] = rnd.nextInt(6);
                NDArray h = m.randomNormal(new Shape(B, T, H));
                NDArray target = m.randomNormal(new Shape(B, T, H));

                // Sparse: the path the trainer takes.
                NDArray[] e = memory.retrieve(m, tokens, B, T, true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = block.forward(ps, new NDList(h, e[0]), true).get(0);
                    gc.backward(out.sub(target).square().sum());
                }
                long[] keys = memory.lastKeys(0).clone();
                memory.applyGradients(e, sparseOpt);
                maxMultiplicity = Math.max(maxMultiplicity, maxMultiplicity(keys));

                // Dense: the whole table as one weight, gathered by the embedding op.
                NDArray w = m.create(dense, new Shape(ROWS, DIM));
                w.setRequiresGradient(true);
                long[] rows = new long[keys.length];
                for (int i = 0; i < keys.length; i++) rows[i] = RowKey.row(keys[i]);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray gatheredRows = Embedding.embedding(m.create(rows), w, SparseFormat.DENSE).singletonOrThrow();
                    NDArray out = block.forward(ps, new NDList(h, gatheredRows.reshape(B, T, HEADS * DIM)), true).get(0);
                    gc.backward(out.sub(target).square().sum());
                }
                float[] g = w.getGradient().toFloatArray();
                for (int i = 0; i < dense.length; i++) {
                    if (adagrad) {
                        denseSums[i] += g[i] * g[i];
                        dense[i] -= lr * g[i] / ((float) Math.sqrt(denseSums[i]) + 1e-10f);
                    } else {
                        dense[i] -= lr * g[i];
                    }
                }
                for (var p : block.getParameters()) p.getValue().getArray().getGradient().subi(p.getValue().getArray().getGradient());

                float[] sparse = new float[ROWS * DIM];
                table.read(allKeys(), 0, ROWS, sparse, 0);
                assertArrayEquals(dense, sparse, 1e-5f, "table after step " + step);
            }
            assertTrue(maxMultiplicity > 1, "the batches must contain duplicate rows");
            if (adagrad) assertTrue(sparseOpt.rowsWithState() > 0 && sparseOpt.rowsWithState() <= ROWS);
            else assertEquals(0, sparseOpt.rowsWithState());
        }
    }

    private static int maxMultiplicity(long[] keys) {
        int[] c = new int[ROWS];
        int max = 0;
        for (long k : keys) max = Math.max(max, ++c[(int) RowKey.row(k)]);
        return max;
    }

    private static long[] allKeys() {
        long[] k = new long[ROWS];
        for (int r = 0; r < ROWS; r++) k[r] = RowKey.of(0, r);
        return k;
    }
}
