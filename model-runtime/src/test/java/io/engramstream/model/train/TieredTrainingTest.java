package io.engramstream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.model.EngineThreads;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on the tiered store (rows hot on the device, warm in host memory, cold in the mapped
 * file, updated row-wise through the store) gives exactly the loss curve of training on a flat
 * in-memory table with the same seeds.
 */
class TieredTrainingTest {
    @TempDir Path tmp;

    @BeforeAll
    static void oneThread() { EngineThreads.use(1); }

    @Test
    void tieredStoreCurveEqualsFlatTableCurve() throws Exception {
        Path spec = TinyRuns.specFile(tmp);
        TrainSession.Request flat = TinyRuns.request(spec, 12, null);
        TrainSession.Prepared data = TrainSession.prepare(flat, null, l -> {});
        TrainSession.Result a = TrainSession.run(flat, data, l -> {});
        // ~4,000 rows: 300 hot and 900 warm leave the rest cold, so every tier serves and is written.
        TrainSession.Result b = TrainSession.run(flat.withTable(TableSetup.tiered(tmp.resolve("table"), 300, 900)), data, l -> {});

        assertEquals(12, a.curve().size());
        for (int i = 0; i < 12; i++) {
            assertEquals(a.curve().get(i).trainLoss(), b.curve().get(i).trainLoss(), 0.0, "train loss at step " + (i + 1));
        }
        assertEquals(a.validLoss(), b.validLoss(), 0.0);
        assertEquals(a.rowsUpdated(), b.rowsUpdated());
        assertTrue(b.tiers().hotServed() > 0 && b.tiers().warmServed() > 0 && b.tiers().coldServed() > 0, b.tiers().describe());
        assertEquals(b.rowsUpdated(), b.tiers().rowsWritten(), "every updated row went through the store");
        assertTrue(b.table().startsWith("tiered store"), b.table());
    }
}
