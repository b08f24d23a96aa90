package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * 3,000 random strings over the Unicode blocks where the JDK's tables and HF's differ, with
 * results (and every stage) recorded from the real HF tokenizers 0.23.2 normalizer
 * (core/src/build/unicode/fuzz-normalizer-vectors.js). A normalizer on plain Java 17 tables gets
 * 209 of them wrong.
 */
class FuzzVectorsTest {
    @Test
    void randomStringsMatchTheRustNormalizer() {
        NormalizeVectors.Report r = NormalizeVectors.load(TokenNormalizerVectorsTest.resource("normalize_fuzz_vectors.json")).check();
        assertEquals(3000, r.total());
        assertTrue(r.allMatch(), () -> r.mismatches().size() + " mismatches, first: " + r.mismatches().get(0).describe());
    }
}
