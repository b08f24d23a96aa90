package io.engramstream.store.bench;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreBenchmarkStepTest {
    @TempDir Path dir;

    @Test
    void stepComputeCountsItsWorkAndIsRepeatable() {
        try (StepCompute c = new StepCompute(2, 4, 3, 1); NDManager m = NDManager.newBaseManager()) {
            // 5 tokens: 2 layers x (4x3 projection + 1 dense 3x3), 2 flops per multiply-add
            assertEquals(2.0 * 5 * (2 * 4 * 3 + 2 * 3 * 3), c.flops(5), 0.0);
            NDList in = new NDList(m.ones(new Shape(1, 5, 4), DataType.FLOAT32), m.ones(new Shape(1, 5, 4), DataType.FLOAT32).mul(2f));
            float a = c.run(in);
            float b = c.run(in);
            assertTrue(Float.isFinite(a));
            assertEquals(a, b, 0f);
            assertNotEquals(0f, a);
        }
    }

    @Test
    void benchMeasuresStepsForEveryVariantAndModePlusComputeOnly() throws Exception {
        String out = run(8);
        assertTrue(out.contains("step variant"), out);
        assertTrue(out.contains("compute only"), out);
        assertTrue(out.contains("rows/s"), "the lookup table stays");
    }

    @Test
    void zeroHiddenSkipsTheStepMeasurement() throws Exception {
        String out = run(0);
        assertFalse(out.contains("step variant"), out);
        assertTrue(out.contains("rows/s"), out);
    }

    private String run(int hidden) throws Exception {
        StoreBenchmark.Params p = new StoreBenchmark.Params();
        p.spec = "tiny"; p.dim = 4; p.table = dir.resolve("t" + hidden + ".engt"); p.batch = 2; p.seq = 16; p.batches = 3; p.rounds = 1;
        p.warmupTokens = 2000; p.hotRows = 100; p.warmRows = 400; p.device = "cpu"; p.variants = List.of("flat", "tiered");
        p.stepHidden = hidden; p.stepDense = 1;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StoreBenchmark b = new StoreBenchmark(p, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        b.run();
        List<StoreBenchmark.StepMeasured> steps = b.stepMeasured();
        // the verdict line comes from the per-round ratios of the rows/s table
        double[] ratios = b.roundRatios();
        assertNotNull(ratios);
        double flatPlain = b.measured().stream().filter(m -> m.variant().startsWith("flat") && !m.prefetch()).findFirst().orElseThrow().rowsPerSecond();
        double tieredPrefetch = b.measured().stream().filter(m -> m.variant().startsWith("tiered") && m.prefetch()).findFirst().orElseThrow().rowsPerSecond();
        assertEquals(tieredPrefetch / flatPlain, ratios[0], 1e-9 * ratios[0], "one round: the per-round ratio is the ratio of the lines");
        assertTrue(ratios[1] <= ratios[0] + 1e-12, "against the better flat line the ratio is no larger");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("median of the per-round ratios: " + String.format("%.3fx", ratios[0])), text);
        if (hidden == 0) {
            assertTrue(steps.isEmpty());
        } else {
            assertEquals(5, steps.size(), "2 variants x 2 modes + compute only");
            assertEquals(2, steps.stream().filter(s -> s.variant().startsWith("flat")).count());
            assertEquals(1, steps.stream().filter(s -> s.variant().equals("compute only")).count());
            for (StoreBenchmark.StepMeasured s : steps) assertTrue(s.stepsPerSecond() > 0 && Double.isFinite(s.stepsPerSecond()), s.toString());
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
