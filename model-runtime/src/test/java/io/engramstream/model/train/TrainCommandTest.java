package io.engramstream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.EngramCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir Path tmp;

    private String[] args(Path spec, int steps, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--corpus-chars", "60000", "--steps",
                String.valueOf(steps), "--spec", spec.toString(), "--vocab", "128", "--hidden", "16", "--heads", "2", "--context", "16",
                "--batch", "2", "--eval-every", "2", "--eval-windows", "4", "--threads", "1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void trainsCheckpointsAndResumesFromTheCommandLine() throws Exception {
        Path spec = TinyRuns.specFile(tmp);
        Path ckpt = tmp.resolve("ckpt"), curve = tmp.resolve("curve.csv");
        assertEquals(0, EngramCli.execute(args(spec, 2, "--checkpoint", ckpt.toString(), "--curve", curve.toString())));
        assertEquals(3, Files.readAllLines(curve).size(), "header + 2 steps");
        assertTrue(Files.readString(ckpt.resolve(Checkpoint.LATEST)).startsWith("step-00000002"));
        assertEquals(0, EngramCli.execute(args(spec, 4, "--checkpoint", ckpt.toString(), "--curve", curve.toString())));
        List<String> lines = Files.readAllLines(curve);
        assertEquals(5, lines.size(), "the resumed run continues the curve: " + lines);
        assertTrue(lines.get(4).startsWith("4,"));
    }

    @Test
    void baselineWithoutEngramRuns() throws Exception {
        Path spec = TinyRuns.specFile(tmp);
        assertEquals(0, EngramCli.execute(args(spec, 2, "--no-engram")));
    }

    @Test
    void badInputIsAOneLineUserError() throws Exception {
        Path spec = TinyRuns.specFile(tmp);
        assertUserError("--table must be flat or tiered", args(spec, 2, "--table", "sideways"));
        assertUserError("no corpus file", args(spec, 2, "--corpus", tmp.resolve("missing.txt").toString()));
        assertUserError("places Engram at layer 1 but the model has 1 layers", args(spec, 2, "--layers", "1"));
        assertUserError("--steps", "train", "--corpus", "europarl");
    }

    private static void assertUserError(String expected, String... args) {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = EngramCli.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute(args);
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains(expected), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
    }
}
