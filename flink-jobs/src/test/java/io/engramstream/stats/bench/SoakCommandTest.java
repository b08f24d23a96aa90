package io.engramstream.stats.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.canon.CanonicalMaps;
import io.engramstream.spec.EngramSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SoakCommandTest {
    @TempDir Path tmp;

    private static List<SoakCommand.Sample> samples(double lagPerSecond, double heapPerSecond) {
        List<SoakCommand.Sample> s = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            double t = 5.0 * i;
            long offered = (long) (10_000 * t);
            s.add(new SoakCommand.Sample(t, offered, offered - 3_000 - (long) (lagPerSecond * t), 200_000_000L + (long) (heapPerSecond * t),
                    1_000_000, i, 40));
        }
        return s;
    }

    private static boolean verdict(List<SoakCommand.Sample> s) {
        return SoakCommand.verdict(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), s, 10_000);
    }

    @Test
    void theVerdictFailsOnGrowingLagOrGrowingMemoryAndPassesOtherwise() {
        assertTrue(verdict(samples(0, 0)), "steady");
        assertTrue(verdict(samples(50, 100_000)), "a little noise");
        assertFalse(verdict(samples(2_000, 0)), "lag grows by 20% of the rate");
        assertFalse(verdict(samples(0, 3_000_000)), "heap grows 3 MB/s");
    }

    /** A short real soak on the tiny spec: runs, samples, and holds a rate far below this machine's maximum. */
    @Test
    void aShortSoakPrintsTheFiguresAndPasses() throws Exception {
        EngramSpec spec = EngramSpec.tiny().toBuilder().name("tiny-cl100k").canonicalMapId("cl100k_base")
                .compressedVocabSize(CanonicalMaps.forId("cl100k_base").canonicalVocabSize()).build();
        Path specFile = Files.writeString(tmp.resolve("spec.json"), spec.toJson());
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new SoakCommand()).execute("--minutes", "0.25", "--rate", "4000", "--spec", specFile.toString(),
                    "--sample-seconds", "2", "--chunk", "500", "--parallelism", "2");
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("| t (s) | offered | counted | lag (tokens) |"), text);
        assertTrue(text.lines().filter(l -> l.matches("\\| \\d+ \\| [0-9,]+ \\| [0-9,]+ \\|.*")).count() >= 5, text);
        assertTrue(text.contains("verdict: PASS"), text);
    }
}
