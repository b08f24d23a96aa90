package io.engramstream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.engramstream.model.EngineThreads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainSessionTest {
    @TempDir Path tmp;

    @BeforeAll
    static void oneThread() { EngineThreads.use(1); }

    /** A run stopped at step 3 and resumed to step 6 reproduces the uninterrupted run exactly. */
    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        Path spec = TinyRuns.specFile(tmp);
        List<String> log = new ArrayList<>();
        long t0 = System.nanoTime();
        TrainSession.Result straight = TrainSession.run(TinyRuns.request(spec, 6, tmp.resolve("a")), log::add);

        System.out.println("straight run: " + (System.nanoTime() - t0) / 1e9 + " s\n" + String.join("\n", log));
        TrainSession.run(TinyRuns.request(spec, 3, tmp.resolve("b")), log::add);
        Path ckpt = Checkpoint.latest(tmp.resolve("b"));
        assertNotNull(ckpt);
        assertEquals(3, Checkpoint.readState(ckpt).step());
        assertTrue(Files.size(ckpt.resolve("rows.bin")) > 0, "trained rows are saved");
        List<String> resumedLog = new ArrayList<>();
        TrainSession.Result resumed = TrainSession.run(TinyRuns.request(spec, 6, tmp.resolve("b")), resumedLog::add);
        assertTrue(resumedLog.stream().anyMatch(l -> l.startsWith("resuming from")), String.join("\n", resumedLog));

        assertEquals(6, straight.curve().size());
        assertEquals(6, resumed.curve().size());
        for (int i = 0; i < 6; i++) {
            assertEquals(straight.curve().get(i).trainLoss(), resumed.curve().get(i).trainLoss(), 0.0, "train loss at step " + (i + 1));
        }
        assertEquals(straight.validLoss(), resumed.validLoss(), 0.0);
        assertEquals(6, resumed.step());
    }

    @Test
    void lossFallsAndEngramRowsAreUpdated() throws Exception {
        Path spec = TinyRuns.specFile(tmp);
        TrainSession.Result r = TrainSession.run(TinyRuns.request(spec, 30, null), l -> {});
        double first = r.curve().get(0).trainLoss();
        double last = r.curve().subList(25, 30).stream().mapToDouble(CurvePoint::trainLoss).average().orElseThrow();
        assertTrue(last < first - 1.0, "loss went from " + first + " to " + last);
        assertTrue(r.validLoss() < Math.log(256), "held-out loss " + r.validLoss() + " is below a uniform guess");
        assertTrue(r.rowsUpdated() > 30 * 4 * 16, "rows updated: " + r.rowsUpdated());
    }

    @Test
    void resumingWithTheOtherModelKindIsAUserError() throws Exception {
        Path spec = TinyRuns.specFile(tmp);
        TrainSession.run(TinyRuns.request(spec, 2, tmp.resolve("c")), l -> {});
        UserError e = assertThrows(UserError.class,
                () -> TrainSession.run(TinyRuns.request(spec, 4, tmp.resolve("c")).withEngram(false), l -> {}));
        assertTrue(e.getMessage().contains("with Engram"), e.getMessage());
    }
}
