package io.engramstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Regression test: scalar constants that autograd keeps for the backward pass must stay alive
 * until then (see {@link Scalars}). The forward pass runs, the garbage collector runs and the
 * freed native memory is handed out again filled with NaN, then backward: the gradients must
 * equal those of an undisturbed run.
 */
class ScalarLifetimeTest {
    static final int B = 2, T = 16, H = 8, E = 12;

    @Test
    void gradientsDoNotDependOnWhatTheCollectorFreesBeforeBackward() {
        float[] quiet = gradients(false);
        float[] disturbed = gradients(true);
        assertArrayEquals(quiet, disturbed);
    }

    private static float[] gradients(boolean disturb) {
        Engine.getInstance().setRandomSeed(13);
        try (NDManager m = NDManager.newBaseManager()) {
            EngramBlock block = new EngramBlock(H, E, 4, 3);
            block.initialize(m, DataType.FLOAT32, new Shape(B, T, H), new Shape(B, T, E));
            CausalSelfAttention attn = new CausalSelfAttention(H, 2);
            attn.initialize(m, DataType.FLOAT32, new Shape(B, T, H));
            ParameterStore ps = new ParameterStore(m, false);
            Random rnd = new Random(2);
            float[] hv = new float[B * T * H], ev = new float[B * T * E];
            for (int i = 0; i < hv.length; i++) hv[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < ev.length; i++) ev[i] = (float) rnd.nextGaussian();
            try (NDManager step = m.newSubManager()) {
                NDArray h = step.create(hv, new Shape(B, T, H));
                NDArray e = step.create(ev, new Shape(B, T, E));
                e.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = block.forward(ps, new NDList(h, e), true).get(0);
                    out = attn.forward(ps, new NDList(out), true).singletonOrThrow();
                    NDArray loss = out.square().sum();
                    if (disturb) reuseFreedMemory();
                    gc.backward(loss);
                }
                return e.getGradient().toFloatArray();
            }
        }
    }

    /** Collects garbage (freeing unreachable direct buffers) and fills fresh small native allocations with NaN. */
    private static void reuseFreedMemory() {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 20_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
                b.putFloat(0, Float.NaN).putFloat(4, Float.NaN);
                keep.add(b);
            }
        }
    }
}
