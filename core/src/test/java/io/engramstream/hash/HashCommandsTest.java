package io.engramstream.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.engramstream.cli.EngramCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code engram hash}, {@code engram hash check} and {@code engram bench hash} commands through the real CLI. */
class HashCommandsTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = EngramCli.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    Path goldenCopy() throws Exception {
        Path p = dir.resolve("hash_vectors.json");
        try (var in = getClass().getResourceAsStream("/vectors/hash_vectors.json")) {
            Files.copy(in, p);
        }
        return p;
    }

    static JsonNode read(Path p) throws Exception {
        return new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).readTree(p.toFile());
    }

    @Test
    void checkPassesAllGoldenCases() throws Exception {
        Run r = run("hash", "check", "--vectors", goldenCopy().toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("40/40 cases match"), r.out());
    }

    @Test
    void checkNamesTheFirstMismatchAndFails() throws Exception {
        Path p = goldenCopy();
        ObjectNode root = (ObjectNode) read(p);
        // Corrupt one bucket id of case 6 (an out-of-domain-free case) and one multiplier of case 20.
        JsonNode c6 = root.get("cases").get(6);
        ArrayNode heads = (ArrayNode) c6.get("inputs").get(2).get("hashes_by_layer").get("15").get(1).get(5);
        heads.set(3, heads.get(3).longValue() + 1);
        ArrayNode mult = (ArrayNode) root.get("cases").get(20).get("derived").get("layers").get(1).get("multipliers");
        mult.set(0, mult.get(0).longValue() + 2);
        Path bad = dir.resolve("bad.json");
        new ObjectMapper().writeValue(bad.toFile(), root);
        Run r = run("hash", "check", "--vectors", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("38/40 cases match"), r.out());
        assertTrue(r.out().contains("first mismatch: " + c6.get("name").asText()), r.out());
        assertTrue(r.out().contains("layer 15 t=5 order 2 head 3"), r.out());
    }

    @Test
    void checkRefusesAFileThatIsNotVectors() throws Exception {
        Path p = dir.resolve("x.json");
        Files.writeString(p, "{\"cases\": 3");
        Run r = run("hash", "check", "--vectors", p.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not valid JSON"), r.err());
        assertEquals(2, run("hash", "check", "--vectors", dir.resolve("none.json").toString()).code());
    }

    @Test
    void hashPrintsTheReferenceBucketIdsForTheDemo() throws Exception {
        JsonNode demo = null;
        for (JsonNode c : read(goldenCopy()).get("cases")) if (c.get("name").asText().startsWith("demo_V98627")) demo = c;
        JsonNode input = demo.get("inputs").get(2); // 3 x 17 in-domain ids
        long[] ids = new long[input.get("input_ids").get(0).size()];
        for (int t = 0; t < ids.length; t++) ids[t] = input.get("input_ids").get(0).get(t).longValue();
        String tokens = String.join(" ", Arrays.stream(ids).mapToObj(Long::toString).toArray(String[]::new));
        Run r = run("hash", "--spec", "demo", "--tokens", tokens);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        int layerStart = -1;
        for (int i = 0; i < lines.length; i++) if (lines[i].startsWith("layer 15 ")) layerStart = i;
        assertTrue(layerStart > 0, r.out());
        for (int t = 0; t < ids.length; t++) {
            String[] cells = lines[layerStart + 3 + t].replace("|", " ").trim().split("\\s+");
            assertEquals(Integer.toString(t), cells[0]);
            assertEquals(Long.toString(ids[t]), cells[1]);
            for (int j = 0; j < 16; j++) {
                assertEquals(input.get("hashes_by_layer").get("15").get(0).get(t).get(j).asText(), cells[2 + j], "t=" + t + " j=" + j);
            }
        }
    }

    @Test
    void hashRefusesBadTokensAndExplainsItself() {
        Run bad = run("hash", "--spec", "tiny", "--tokens", "1 two 3");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("'two' is not an integer"), bad.err());
        Run noSpec = run("hash", "--spec", "nosuch", "--tokens", "1");
        assertEquals(2, noSpec.code());
        assertTrue(noSpec.err().contains("no spec preset or file named 'nosuch'"), noSpec.err());
        Run usage = run("hash");
        assertEquals(0, usage.code());
        assertTrue(usage.out().contains("check"), usage.out());
        Run outside = run("hash", "--spec", "tiny", "--tokens", "-1 98627 5");
        assertEquals(0, outside.code());
        assertTrue(outside.err().contains("2 id(s) outside [0, 98627)"), outside.err());
    }

    @Test
    void benchRunsAndPrintsTheComparisonTable() {
        Run r = run("bench", "hash", "--spec", "tiny", "--docs", "2", "--doc-tokens", "300", "--runs", "1",
                "--warmup-ms", "1", "--min-run-ms", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| baseline: Java port, Math.floorMod |"), r.out());
        assertTrue(r.out().contains("| NgramHasher.hash (FastMod, blocked) |"), r.out());
        assertTrue(r.out().contains("machine: "), r.out());
    }
}
