package io.engramstream.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * All 40 golden cases of the reference through the general (long token, long bucket) path:
 * RNG stages, multipliers, primes and every bucket id, out-of-domain inputs included.
 */
class GoldenHashVectorsTest {
    private static HashVectors vectors;

    static synchronized HashVectors vectors() throws Exception {
        if (vectors == null) {
            try (InputStream in = GoldenHashVectorsTest.class.getResourceAsStream("/vectors/hash_vectors.json")) {
                vectors = HashVectors.read(in, "hash_vectors.json");
            }
        }
        return vectors;
    }

    static Stream<Integer> cases() throws Exception {
        assertEquals(40, vectors().size());
        return IntStream.range(0, vectors().size()).boxed();
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    void caseMatchesReference(int i) throws Exception {
        HashVectors.CaseResult r = vectors().check(i);
        assertTrue(r.ok(), () -> r.name() + ": " + r.mismatch());
        assertTrue(r.valuesCompared() > 100, "compared too few values: " + r.valuesCompared());
    }
}
