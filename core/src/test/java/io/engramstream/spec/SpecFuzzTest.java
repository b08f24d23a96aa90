package io.engramstream.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.cli.UserError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile spec files: random bytes, garbled JSON and YAML, hostile values in every field (huge,
 * negative, fractional, wrong type, nested), deep nesting, aliases, and specs that are valid in
 * shape but would take hours to derive. Every one is either a spec that round-trips through its
 * own JSON, or a {@link UserError}; nothing else escapes and nothing takes long.
 */
class SpecFuzzTest {
    @TempDir Path dir;

    private static final String[] FIELDS = {EngramSpec.F_NAME, EngramSpec.F_LAYERS, EngramSpec.F_MAX_N, EngramSpec.F_HEADS,
            EngramSpec.F_SIZES, EngramSpec.F_SEED, EngramSpec.F_PAD, EngramSpec.F_VOCAB, EngramSpec.F_CANON, EngramSpec.F_DIM,
            EngramSpec.F_DTYPE};

    private static final String[] HOSTILE_VALUES = {
            "-1", "0", "1", "-9223372036854775808", "9223372036854775807", "9223372036854775808", "18446744073709551616",
            "1e400", "-1e400", "1.5", "1e18", "2147483647", "2147483648", "-2147483649", "NaN", "Infinity", "\"\"",
            "\"x\"", "\"\\u0000\"", "\"a\\nb\"", "null", "true", "[]", "{}", "[[]]", "[-1]", "[0, -5]", "[1e400]",
            "[\"1\"]", "[1, 1]", "[2147483647, 2147483647]", "{\"a\": 1}", "[" + "9,".repeat(5000) + "9]",
            "\"" + "z".repeat(100_000) + "\""};

    private static String tinyJson(String field, String value) {
        EngramSpec t = EngramSpec.tiny();
        String[][] fields = {
                {EngramSpec.F_NAME, "\"tiny\""}, {EngramSpec.F_LAYERS, "[1, 15]"}, {EngramSpec.F_MAX_N, "3"},
                {EngramSpec.F_HEADS, "2"}, {EngramSpec.F_SIZES, "[1009, 1013]"}, {EngramSpec.F_SEED, "0"},
                {EngramSpec.F_PAD, "2"}, {EngramSpec.F_VOCAB, Long.toString(t.compressedVocabSize())},
                {EngramSpec.F_CANON, "\"deepseek-v3\""}, {EngramSpec.F_DIM, "8"}, {EngramSpec.F_DTYPE, "\"fp32\""}};
        StringJoiner j = new StringJoiner(",\n  ", "{\n  ", "\n}\n");
        for (String[] f : fields) j.add("\"" + f[0] + "\": " + (f[0].equals(field) ? value : f[1]));
        return j.toString();
    }

    /** A spec or a UserError; time-boxed; a spec must survive its own JSON. */
    private static void parseOrUserError(String text, boolean yaml, String what) {
        long t0 = System.nanoTime();
        try {
            EngramSpec s = EngramSpec.parse(text, yaml, "fuzz");
            assertEquals(s, EngramSpec.parse(s.toJson(), false, "again"), what);
            assertEquals(s.fingerprint(), EngramSpec.parse(s.toJson(), false, "again").fingerprint());
        } catch (UserError e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith("spec fuzz: "), what + ": " + e.getMessage());
        } catch (Throwable t) {
            fail(what + ": " + t + " escaped", t);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5_000, what + " took " + ms + " ms");
    }

    @Test
    void hostileValuesInEveryFieldAreUserErrorsNamingTheField() {
        for (String field : FIELDS) {
            for (String v : HOSTILE_VALUES) {
                String json = tinyJson(field, v);
                String what = field + " = " + (v.length() > 40 ? v.substring(0, 40) + "..." : v);
                parseOrUserError(json, false, what);
                parseOrUserError(json, true, what + " (yaml)");
                try {
                    EngramSpec.parse(json, false, "fuzz");
                } catch (UserError e) {
                    // Whatever is wrong, the message says where; for a parse error that is a line and column.
                    assertTrue(e.getMessage().contains(field) || e.getMessage().contains("not valid JSON")
                                    || e.getMessage().contains("fit an int") || e.getMessage().contains("pad_id")
                                    || e.getMessage().contains("hash tables") || e.getMessage().contains("rows"),
                            what + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void randomBytesAndGarbledSpecsAreUserErrors() {
        Random rnd = new Random(71);
        String valid = tinyJson("", "");
        String yaml = valid.replace("{", "").replace("}", "").replace("\",", "\"").replace(",\n", "\n").replace("\"", "");
        for (int i = 0; i < 3000; i++) {
            String text = switch (i % 5) {
                case 0 -> { // random bytes as text (decoded leniently, like a file of garbage)
                    byte[] b = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(b);
                    yield new String(b, StandardCharsets.ISO_8859_1);
                }
                case 1 -> mutate(valid, rnd);
                case 2 -> mutate(yaml, rnd);
                case 3 -> valid.substring(0, rnd.nextInt(valid.length()));
                default -> { // random structural characters
                    StringBuilder sb = new StringBuilder();
                    String alphabet = "{}[]:,\"'-&*!|>? \n\t0123456789.eE";
                    for (int k = 0; k < rnd.nextInt(120); k++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                    yield sb.toString();
                }
            };
            parseOrUserError(text, false, "case " + i + " json");
            parseOrUserError(text, true, "case " + i + " yaml");
        }
    }

    private static String mutate(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s);
        for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
            int p = rnd.nextInt(sb.length());
            switch (rnd.nextInt(4)) {
                case 0 -> sb.deleteCharAt(p);
                case 1 -> sb.insert(p, "{}[]:,\"-9e".charAt(rnd.nextInt(10)));
                case 2 -> sb.setCharAt(p, (char) rnd.nextInt(128));
                default -> sb.insert(p, Long.toString(rnd.nextLong()));
            }
        }
        return sb.toString();
    }

    @Test
    void deepNestingAndAliasBombsAreRefusedQuickly() {
        parseOrUserError("[".repeat(200_000), false, "deep json");
        parseOrUserError("[".repeat(200_000), true, "deep yaml");
        parseOrUserError("{\"a\":".repeat(50_000), false, "deep objects");
        StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            String prev = "*" + (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        parseOrUserError(bomb.toString(), true, "alias bomb");
        parseOrUserError(tinyJson(EngramSpec.F_LAYERS, "*a").replace("{\n", "{\n  \"x\": &a [1, 15],\n"), true, "alias in a field");
    }

    /** Regression: a spec of a few hundred bytes asked for 10^9 hash tables and derived primes for hours. */
    @Test
    void aSpecWithMoreTablesThanTheLimitIsRefusedAtOnce() {
        StringJoiner layers = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < 32767; i++) layers.add(Integer.toString(i));
        String sizes = "[" + "2000000000, ".repeat(30) + "2000000000]";
        String json = tinyJson(EngramSpec.F_LAYERS, layers.toString())
                .replace("\"max_ngram_size\": 3", "\"max_ngram_size\": 32")
                .replace("\"n_head_per_ngram\": 2", "\"n_head_per_ngram\": 1024")
                .replace("[1009, 1013]", sizes);
        long t0 = System.nanoTime();
        UserError e = assertThrows(UserError.class, () -> EngramSpec.parse(json, false, "big"));
        assertTrue((System.nanoTime() - t0) < 2_000_000_000L, "took " + (System.nanoTime() - t0) / 1e6 + " ms");
        assertTrue(e.getMessage().contains("hash tables"), e.getMessage());
        // Just under the limit (16 layers x 1 order x 1024 heads) still derives, and fast.
        StringJoiner sixteen = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < 16; i++) sixteen.add(Integer.toString(i));
        String ok = tinyJson(EngramSpec.F_LAYERS, sixteen.toString()).replace("\"max_ngram_size\": 3", "\"max_ngram_size\": 2")
                .replace("\"n_head_per_ngram\": 2", "\"n_head_per_ngram\": 1024").replace("[1009, 1013]", "[1000003]");
        t0 = System.nanoTime();
        EngramSpec s = EngramSpec.parse(ok, false, "ok");
        assertEquals(EngramSpec.MAX_TABLES, s.numLayers() * s.headsPerLayer());
        assertTrue((System.nanoTime() - t0) < 20_000_000_000L, "took " + (System.nanoTime() - t0) / 1e6 + " ms");
    }

    @Test
    void hostileFileNamesAndFilesAreUserErrors() throws Exception {
        for (String name : List.of("", " ", "a\u0000b", "\u0000", "/", ".", "..", "/dev/null", "-", "demo ", "DEMO",
                "nope/" + "x".repeat(300), "x".repeat(5000))) {
            try {
                EngramSpec.resolve(name);
                fail("resolved '" + name + "'");
            } catch (UserError expected) {
                assertFalse(expected.getMessage().isBlank());
            } catch (Throwable t) {
                fail("resolve('" + name.replace("\u0000", "\\0") + "') let " + t + " escape", t);
            }
        }
        Path sub = Files.createDirectories(dir.resolve("spec.json"));
        assertThrows(UserError.class, () -> EngramSpec.load(sub));
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {(byte) 0xff, (byte) 0xfe, 'a', ':', ' ', (byte) 0xe9});
        assertThrows(UserError.class, () -> EngramSpec.load(latin1));
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        assertThrows(UserError.class, () -> EngramSpec.load(empty));
        Path big = dir.resolve("big.yaml");
        byte[] junk = new byte[8 << 20];
        new Random(5).nextBytes(junk);
        Files.write(big, junk);
        long t0 = System.nanoTime();
        assertThrows(UserError.class, () -> EngramSpec.load(big));
        assertTrue((System.nanoTime() - t0) < 10_000_000_000L);
    }
}
