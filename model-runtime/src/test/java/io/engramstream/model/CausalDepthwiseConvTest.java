package io.engramstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CausalDepthwiseConvTest {
    static final int B = 2, T = 12, C = 5, K = 4, D = 3;

    /** Equals PyTorch's grouped conv1d padded by (k-1)d and cut to the first T outputs. */
    @Test
    void equalsAGroupedConv1dCutToTheCausalPart() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalDepthwiseConv conv = new CausalDepthwiseConv(C, K, D);
            conv.initialize(m, DataType.FLOAT64, new Shape(B, T, C));
            NDArray x = m.create(EngramBlockGradientTest.randomDoubles(new Random(3), B * T * C, 0, 1), new Shape(B, T, C));
            NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            NDArray w = conv.getParameters().get(0).getValue().getArray();
            NDArray ref = Conv1d.conv1d(x.transpose(0, 2, 1), w, null, new Shape(1), new Shape((K - 1) * D), new Shape(D), C)
                    .singletonOrThrow().get(":, :, :" + T).transpose(0, 2, 1);
            assertEquals(new Shape(B, T, C), y.getShape());
            assertArrayEquals(ref.toDoubleArray(), y.toDoubleArray(), 1e-12);
        }
    }

    /** Changing the input at position p changes the output at p, p+d, ..., p+(k-1)d only. */
    @Test
    void outputsSeeOnlyTheirPastAtMultiplesOfTheDilation() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalDepthwiseConv conv = new CausalDepthwiseConv(C, K, D);
            conv.initialize(m, DataType.FLOAT64, new Shape(1, T, C));
            ParameterStore ps = new ParameterStore(m, false);
            double[] base = EngramBlockGradientTest.randomDoubles(new Random(5), T * C, 0, 1);
            double[] y0 = conv.forward(ps, new NDList(m.create(base, new Shape(1, T, C))), false).singletonOrThrow().toDoubleArray();
            int p = 2;
            double[] changed = base.clone();
            for (int c = 0; c < C; c++) changed[p * C + c] += 1;
            double[] y1 = conv.forward(ps, new NDList(m.create(changed, new Shape(1, T, C))), false).singletonOrThrow().toDoubleArray();
            for (int t = 0; t < T; t++) {
                boolean reachable = t >= p && (t - p) % D == 0 && (t - p) / D < K;
                double diff = 0;
                for (int c = 0; c < C; c++) diff += Math.abs(y1[t * C + c] - y0[t * C + c]);
                assertEquals(reachable, diff > 0, "position " + t);
            }
            assertTrue(T > p + (K - 1) * D, "the test reaches the end of the filter");
        }
    }
}
