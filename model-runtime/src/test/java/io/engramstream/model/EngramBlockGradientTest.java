package io.engramstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Checks the analytic gradients of {@link EngramBlock} (autograd through DJL/PyTorch) against
 * central finite differences in float64, for every dense parameter, the hidden state and the
 * gathered memory {@code e}, on tiny dimensions.
 */
class EngramBlockGradientTest {
    static final int B = 2, T = 7, H = 6, E = 10, KERNEL = 4, DILATION = 2;
    static final double STEP = 1e-6;
    /** Elements checked per tensor (a seeded sample; every element of the small ones). */
    static final int SAMPLE = 12;

    @Test
    void analyticGradientsMatchCentralDifferences() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            EngramBlock block = new EngramBlock(H, E, KERNEL, DILATION);
            block.initialize(m, DataType.FLOAT64, new Shape(B, T, H), new Shape(B, T, E));
            // Norm scales start at one; move them off it so their gradients are not symmetric by accident.
            Random rnd = new Random(11);
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.set(randomDoubles(rnd, (int) a.size(), p.getKey().contains("norm") ? 1.0 : 0.0, 0.5));
            }
            NDArray h = m.create(randomDoubles(rnd, B * T * H, 0, 1), new Shape(B, T, H));
            NDArray e = m.create(randomDoubles(rnd, B * T * E, 0, 1), new Shape(B, T, E));
            NDArray r = m.create(randomDoubles(rnd, B * T * H, 0, 1), new Shape(B, T, H));
            ParameterStore ps = new ParameterStore(m, false);
            h.setRequiresGradient(true);
            e.setRequiresGradient(true);
            Supplier<Double> loss = () -> lossOf(block, ps, h, e, r);

            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = block.forward(ps, new NDList(h, e), true).get(0);
                gc.backward(out.mul(r).sum());
            }
            int checked = 0;
            checked += compare("e", e, e.getGradient(), loss);
            checked += compare("h", h, h.getGradient(), loss);
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray();
                checked += compare(p.getKey(), a, a.getGradient(), loss);
            }
            // e, h, two projection weights and biases, three norm scales, the conv filter.
            assertEquals(SAMPLE + SAMPLE + 2 * (SAMPLE + H) + 3 * H + SAMPLE, checked);
        }
    }

    /** Same block run twice on identical input gives identical gate values in (0, 1). */
    @Test
    void gateIsASigmoidOfTheSignedSquareRootScore() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            EngramBlock block = new EngramBlock(H, E, KERNEL, DILATION);
            block.initialize(m, DataType.FLOAT64, new Shape(1, T, H), new Shape(1, T, E));
            Random rnd = new Random(5);
            NDArray h = m.create(randomDoubles(rnd, T * H, 0, 1), new Shape(1, T, H));
            NDArray e = m.create(randomDoubles(rnd, T * E, 0, 1), new Shape(1, T, E));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray gate = block.forward(ps, new NDList(h, e), false).get(1);
            // Recompute the gate by hand from the block's own projections' definition.
            NDArray wk = param(block, "key_proj_weight"), bk = param(block, "key_proj_bias");
            NDArray gk = param(block, "key_norm_weight"), gq = param(block, "query_norm_weight");
            double[] ev = e.toDoubleArray(), hv = h.toDoubleArray(), wkv = wk.toDoubleArray(), bkv = bk.toDoubleArray();
            double[] gkv = gk.toDoubleArray(), gqv = gq.toDoubleArray(), got = gate.toDoubleArray();
            for (int t = 0; t < T; t++) {
                double[] k = new double[H];
                for (int o = 0; o < H; o++) {
                    double acc = bkv[o];
                    for (int i = 0; i < E; i++) acc += wkv[o * E + i] * ev[t * E + i];
                    k[o] = acc;
                }
                double kr = rms(k, 0, H), qr = rms(hv, t * H, H), dot = 0;
                for (int o = 0; o < H; o++) dot += (k[o] / kr * gkv[o]) * (hv[t * H + o] / qr * gqv[o]);
                double s = dot / Math.sqrt(H);
                double expected = 1 / (1 + Math.exp(-Math.signum(s) * Math.sqrt(Math.max(Math.abs(s), 1e-6))));
                assertEquals(expected, got[t], 1e-9, "gate at t=" + t);
            }
        }
    }

    private static double rms(double[] v, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += v[off + i] * v[off + i];
        return Math.sqrt(s / n + 1e-6);
    }

    private static NDArray param(EngramBlock block, String name) {
        for (Pair<String, Parameter> p : block.getParameters()) if (p.getKey().endsWith(name)) return p.getValue().getArray();
        throw new AssertionError("no parameter " + name + " in " + block.getParameters().keys());
    }

    private static double lossOf(EngramBlock block, ParameterStore ps, NDArray h, NDArray e, NDArray r) {
        try (NDManager sub = h.getManager().newSubManager()) {
            NDArray out = block.forward(ps, new NDList(h, e), false).get(0);
            out.attach(sub);
            NDArray l = out.mul(r).sum();
            l.attach(sub);
            return l.getDouble();
        }
    }

    /** Perturbs each element of {@code x} in place by +-STEP and compares with {@code grad}. */
    private static int compare(String name, NDArray x, NDArray grad, Supplier<Double> loss) {
        double[] base = x.toDoubleArray();
        double[] analytic = grad.toDoubleArray();
        double worst = 0;
        Random pick = new Random(name.hashCode());
        int n = Math.min(SAMPLE, base.length);
        for (int c = 0; c < n; c++) {
            int i = base.length <= SAMPLE ? c : pick.nextInt(base.length);
            double[] v = base.clone();
            v[i] = base[i] + STEP;
            x.set(v);
            double up = loss.get();
            v[i] = base[i] - STEP;
            x.set(v);
            double down = loss.get();
            double numeric = (up - down) / (2 * STEP);
            double err = Math.abs(numeric - analytic[i]) / Math.max(1.0, Math.abs(numeric) + Math.abs(analytic[i]));
            worst = Math.max(worst, err);
        }
        x.set(base);
        assertTrue(worst < 1e-6, name + ": worst relative error " + worst);
        return n;
    }

    static double[] randomDoubles(Random rnd, int n, double mean, double std) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = mean + std * rnd.nextGaussian();
        return d;
    }
}
