package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.engramstream.cli.EngramCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it: output text and exit codes. */
class CanonCommandsTest {
    @TempDir Path dir;

    record Run(int code, String out) {}

    static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = EngramCli.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void checkPassesTheGoldenVectors() {
        Run r = run("canon", "check", "--vectors", TokenNormalizerVectorsTest.resource("normalize_vectors.json").toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("639/639 cases match\n"), r.out());
    }

    @Test
    void checkFailsAndNamesTheFirstMismatch() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(Files.readAllBytes(TokenNormalizerVectorsTest.resource("normalize_vectors.json")));
        ArrayNode vectors = (ArrayNode) root.get("vectors");
        ((ObjectNode) vectors.get(5)).put("expected", "tampered");
        ((ObjectNode) vectors.get(7)).put("key", "tampered");
        Path f = dir.resolve("v.json");
        json.writeValue(f.toFile(), root);
        Run r = run("canon", "check", "--vectors", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().startsWith("637/639 cases match\n"), r.out());
        assertTrue(r.out().contains("first mismatch: case 5 "), r.out());
    }

    @Test
    void checkRejectsAFileOfAnotherFormat() throws IOException {
        Path f = dir.resolve("x.json");
        Files.writeString(f, "{\"lookup\": []}");
        assertEquals(2, run("canon", "check", "--vectors", f.toString()).code());
        assertEquals(2, run("canon", "check", "--vectors", dir.resolve("missing.json").toString()).code());
    }

    @Test
    void buildWritesTheMapAndComparesWithTheGoldenTable() throws IOException {
        Path out = dir.resolve("cl100k.cmap");
        Path golden = TokenNormalizerVectorsTest.resource("compression_cl100k.json");
        Run r = run("canon", "build", "--tokenizer", "cl100k_base", "--out", out.toString(), "--compare", golden.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("100256 -> 62350 (37.81% reduction)\n"), r.out());
        assertTrue(r.out().contains("matches compression_cl100k.json (lookup): 100256/100256 ids equal"), r.out());
        assertEquals(62350, CanonicalMap.load(out).canonicalVocabSize());

        Run alt = run("canon", "build", "--tokenizer", "cl100k_base", "--raw-key", "gpt2-byte-level", "--compare", golden.toString());
        assertEquals(0, alt.code(), alt.out());
        assertTrue(alt.out().startsWith("100256 -> 62325 "), alt.out());
        assertTrue(alt.out().contains("(alternative_raw_key_convention.lookup): 100256/100256"), alt.out());
    }

    @Test
    void buildReportsADifferingTable() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(Files.readAllBytes(TokenNormalizerVectorsTest.resource("compression_cl100k.json")));
        ((ArrayNode) root.get("lookup")).set(1234, 0);
        Path f = dir.resolve("golden.json");
        json.writeValue(f.toFile(), root);
        Run r = run("canon", "build", "--tokenizer", "cl100k_base", "--compare", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("1 ids differ; first at old id 1234: table 0"), r.out());
    }

    @Test
    void tokenizeShowsIdsAndCanonicalIds() {
        Run r = run("canon", "tokenize", "--tokenizer", "cl100k_base", "Hello", "HELLO hello");
        assertEquals(0, r.code(), r.out());
        String ids = r.out().lines().filter(l -> l.startsWith("ids:")).findFirst().orElseThrow();
        String canonical = r.out().lines().filter(l -> l.startsWith("canonical:")).findFirst().orElseThrow();
        // "Hello", " HELLO"/" HEL"+"LO"..., " hello": the first and last differ as ids but share a canonical id.
        String[] old = ids.replaceAll("[^0-9,]", "").split(",");
        String[] can = canonical.replaceAll("[^0-9,]", "").split(",");
        assertTrue(!old[0].equals(old[old.length - 1]), ids);
        assertEquals(can[0], can[can.length - 1], r.out());
    }

    @Test
    void buildRejectsUnknownInput() {
        assertEquals(2, run("canon", "build", "--tokenizer", "no-such-tokenizer").code());
        assertEquals(2, run("canon", "build", "--tokenizer", "cl100k_base", "--raw-key", "hf-token").code());
        assertEquals(2, run("canon", "build", "--tokenizer", "cl100k_base", "--raw-key", "nonsense").code());
    }
}
