package io.engramstream.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each stage of numpy's {@code default_rng(seed).integers(0, high, int64)} against the golden
 * intermediate values of every layer of every case (numpy 1.24), then the bounded paths the
 * golden file does not reach, against values printed by numpy itself.
 */
class NumpyRngStagesTest {
    static JsonNode root;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = NumpyRngStagesTest.class.getResourceAsStream("/vectors/hash_vectors.json")) {
            root = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).readTree(in);
        }
    }

    @Test
    void everyStageOfEveryLayerMatchesNumpy() {
        int layers = 0;
        Set<String> paths = new HashSet<>();
        for (JsonNode cs : root.get("cases")) {
            long vocab = cs.get("config").get("compressed_vocab_size").longValue();
            long halfBound = cs.get("derived").get("half_bound").longValue();
            assertEquals(cs.get("derived").get("M_max").longValue(), Long.MAX_VALUE / vocab);
            int maxN = cs.get("config").get("max_ngram_size").intValue();
            for (JsonNode l : cs.get("derived").get("layers")) {
                String at = cs.get("name").asText() + " layer " + l.get("layer_id");
                BigInteger seed = l.get("base_seed").bigIntegerValue();
                SeedSequence ss = new SeedSequence(seed);
                assertArrayEquals(u32(l.get("seedseq_entropy_words_u32")), ss.entropy(), at + " entropy words");
                assertArrayEquals(u32(l.get("seedseq_pool_u32")), ss.pool(), at + " pool");
                long[] state = ss.generateState64(4);
                for (int k = 0; k < 4; k++) {
                    assertEquals(Long.parseUnsignedLong(l.get("seedseq_generate_state_u64").get(k).asText(), 16), state[k], at + " generate_state " + k);
                }
                Pcg64 pcg = new Pcg64(ss);
                assertEquals(l.get("pcg64_state_after_seeding_hex128").asText(), String.format("%016x%016x", pcg.stateHi(), pcg.stateLo()), at + " state");
                assertEquals(l.get("pcg64_inc_hex128").asText(), String.format("%016x%016x", pcg.incHi(), pcg.incLo()), at + " inc");
                for (int k = 0; k < 4; k++) {
                    assertEquals(l.get("pcg64_first_4_uint64_hex").get(k).asText(), String.format("%016x", pcg.nextUint64()), at + " output " + k);
                }
                NumpyGenerator g = NumpyGenerator.defaultRng(seed);
                long[] r = g.integers(halfBound, maxN);
                String path = l.get("integers_path").asText();
                assertTrue(path.startsWith(g.lastPath().shortName()), at + ": numpy took " + path + ", we took " + g.lastPath());
                paths.add(g.lastPath().shortName());
                for (int k = 0; k < maxN; k++) assertEquals(l.get("r").get(k).longValue(), r[k], at + " r[" + k + "]");
                layers++;
            }
        }
        assertTrue(layers >= 60, "layers checked: " + layers);
        assertEquals(Set.of("lemire64", "lemire32", "constant_zero"), paths);
    }

    @Test
    void pathsAndValuesBeyondTheGoldenFile() {
        // Printed by numpy: default_rng(seed).integers(0, high, size=6, dtype=int64).
        assertIntegers(7, 1L << 32, NumpyGenerator.BoundedPath.FULL32,
                4058335883L, 2684764585L, 2938530453L, 3853503932L, 2483747170L, 3331544671L);
        assertIntegers(7, (1L << 32) + 1, NumpyGenerator.BoundedPath.LEMIRE64,
                2684764586L, 3853503933L, 3331544672L, 967257516L, 1289204377L, 3751883480L);
        assertIntegers(7, Long.MAX_VALUE, NumpyGenerator.BoundedPath.LEMIRE64,
                5765488047046174020L, 8275336682942969161L, 7154437704795913392L, 2077169698657866656L,
                2768545318656780450L, 8057108420966028185L);
        assertIntegers(123, 3, NumpyGenerator.BoundedPath.LEMIRE32, 0, 2, 1, 0, 2, 0);
        assertIntegers(99, (1L << 31) + 5, NumpyGenerator.BoundedPath.LEMIRE32,
                381859589L, 2022759191L, 673642110L, 1220379521L, 1395730116L, 615869798L);
        assertIntegers(5, 1, NumpyGenerator.BoundedPath.CONSTANT_ZERO, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void multiWordSeedBeyondTwoToThe200() {
        BigInteger seed = BigInteger.ONE.shiftLeft(200).add(BigInteger.valueOf(12345));
        SeedSequence ss = new SeedSequence(seed);
        assertArrayEquals(new int[] {1578158438, 104462638, (int) 2959420289L, 1845150323}, ss.pool());
        assertArrayEquals(new long[] {0x480128f237eb5a28L, 0x18bce3f69452ba76L, 0x61540ee71d66d9e5L, 0x465ab54028376a83L},
                ss.generateState64(4));
        Pcg64 pcg = new Pcg64(new SeedSequence(seed));
        assertEquals(Long.parseUnsignedLong("8569441711451721702"), pcg.nextUint64());
        assertEquals(Long.parseUnsignedLong("10123634952380698007"), pcg.nextUint64());
        assertArrayEquals(new long[] {431, 464, 79, 548, 977}, NumpyGenerator.defaultRng(seed).integers(1000, 5));
    }

    @Test
    void negativeSeedsAreRefusedLikeNumpy() {
        assertThrows(IllegalArgumentException.class, () -> new SeedSequence(-1));
    }

    private static void assertIntegers(long seed, long high, NumpyGenerator.BoundedPath path, long... expected) {
        NumpyGenerator g = NumpyGenerator.defaultRng(seed);
        assertArrayEquals(expected, g.integers(high, expected.length), "seed " + seed + " high " + high);
        assertEquals(path, g.lastPath());
    }

    private static int[] u32(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) a.get(i).longValue();
        return out;
    }
}
