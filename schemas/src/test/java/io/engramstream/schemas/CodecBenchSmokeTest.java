package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.EngramCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark command runs end to end (tiny sizes; the numbers are not checked here). */
class CodecBenchSmokeTest {
    @Test
    void benchCodecPrintsATableWithTheBaselineAndRatios() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = EngramCli.execute("bench", "codec", "--tokens", "16", "--messages", "50", "--repeats", "1", "--warmup", "0");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("array<int> (boxed), Avro message codec"), out);
        assertTrue(out.contains("packed bytes, engram bounded codec"), out);
        assertTrue(out.contains("ratios against the baseline"), out);
    }
}
