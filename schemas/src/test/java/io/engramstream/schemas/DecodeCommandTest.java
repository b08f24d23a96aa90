package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.EngramCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {

    private record Run(int code, String out) {}

    private static Run engram(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int code = EngramCli.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void aValidMessageIsPrintedWithTokenIdsAsNumbers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.bin");
        Files.write(f, Codecs.CORPUS_TOKENS.encode(Samples.tokens()));
        Run r = engram("decode", "--input", f.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("\"type\":\"CorpusTokens\""), r.out());
        assertTrue(r.out().contains("\"tokenIds\":[0,1,127,128,98626,128814,2147483647]"), r.out());
    }

    @Test
    void handMadeBadBytesPrintTheTypedError() {
        Run garbage = engram("decode", "--hex", "deadbeef", "--type", "CorpusText");
        assertEquals(3, garbage.code());
        assertTrue(garbage.out().contains("\"error\":\"BAD_HEADER\""), garbage.out());

        String header = HexFormat.of().formatHex(Codecs.CORPUS_TEXT.encode(Samples.text()), 0, 10);
        Run huge = engram("decode", "--hex", header + "feffffff0f");  // documentId claims 2^31-1 bytes
        assertEquals(3, huge.code());
        assertTrue(huge.out().contains("\"error\":\"OVERSIZE\""), huge.out());

        Run shortBody = engram("decode", "--hex", header + "0a6162");  // 5 bytes claimed, 2 present
        assertTrue(shortBody.out().contains("\"error\":\"TRUNCATED\""), shortBody.out());

        Run unknown = engram("decode", "--hex", "c3010102030405060708aa");
        assertTrue(unknown.out().contains("\"error\":\"UNKNOWN_SCHEMA\""), unknown.out());
    }
}
