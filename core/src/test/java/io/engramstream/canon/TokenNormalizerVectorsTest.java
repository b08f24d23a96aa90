package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * All 639 golden normalizer vectors, each held to the real HF tokenizers 0.23.2 output recorded in
 * {@code expected}, its key, and every recorded stage.
 *
 * <p>Policy for the 25 vectors flagged {@code unicode_version_sensitive}: no exemption. They are
 * asserted against {@code expected} like the others, because {@link TokenNormalizer} carries the HF
 * tables (Unicode 9.0 normalization and marks, Unicode 17.0 lowercase) instead of the JDK's
 * Unicode 13. {@link #sensitiveVectorsWhereJava17TablesDiffer} shows that this matters.
 */
class TokenNormalizerVectorsTest {

    static Path resource(String name) {
        try {
            return Path.of(TokenNormalizerVectorsTest.class.getResource("/vectors/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void allGoldenVectorsMatchExpectedKeyAndStages() {
        NormalizeVectors vectors = NormalizeVectors.load(resource("normalize_vectors.json"));
        NormalizeVectors.Report report = vectors.check();
        assertEquals(639, report.total());
        assertEquals(25, report.sensitive());
        assertTrue(report.allMatch(), () -> report.mismatches().size() + " mismatches, e.g.\n"
                + report.mismatches().stream().limit(20).map(NormalizeVectors.Mismatch::describe)
                        .collect(Collectors.joining("\n")));
    }

    @Test
    void sensitiveVectorsWhereJava17TablesDiffer() {
        // Where the file records that Java 17's own tables give something else, we give the HF result.
        NormalizeVectors vectors = NormalizeVectors.load(resource("normalize_vectors.json"));
        long differing = vectors.cases().stream()
                .filter(c -> c.java17Result() != null && !c.java17Result().equals(c.expected()))
                .peek(c -> assertEquals(c.expected(), TokenNormalizer.normalize(c.input()), c.category()))
                .count();
        assertEquals(11, differing);
    }
}
