package io.engramstream.canon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Golden normalizer vectors in the format of {@code normalize_vectors.json}: each case has an
 * {@code input}, the {@code expected} normalized string, the dictionary {@code key} (null when the
 * input holds U+FFFD) and optionally the output of each stage. {@link #check} runs
 * {@link TokenNormalizer} on every case and compares all of them.
 */
public final class NormalizeVectors {

    /** Stage names as the vectors file spells them, in pipeline order. */
    static final List<String> STAGES = List.of("nfkc", "nfd", "strip_accents", "lowercase", "whitespace_collapsed");

    /** One case. {@code stages} holds only the stages the file records. */
    public record Case(int index, String category, String input, String expected, String key, boolean keyRecorded,
                       Map<String, String> stages, boolean unicodeVersionSensitive, String java17Result) {}

    /** A case whose normalizer output differs from the file somewhere. */
    public record Mismatch(Case vector, String field, String expected, String actual) {
        public String describe() {
            return "case " + vector.index() + " (" + vector.category() + ", input " + escape(vector.input()) + "): "
                    + field + " expected " + escape(expected) + " but got " + escape(actual)
                    + (vector.unicodeVersionSensitive() ? " [flagged unicode_version_sensitive]" : "");
        }
    }

    /** The outcome of checking a whole file. */
    public record Report(int total, int matched, int sensitive, List<Mismatch> mismatches) {
        public boolean allMatch() { return matched == total; }
    }

    private final List<Case> cases;

    private NormalizeVectors(List<Case> cases) { this.cases = List.copyOf(cases); }

    public List<Case> cases() { return cases; }

    public static NormalizeVectors load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + " as JSON: " + e.getMessage());
        }
        JsonNode vectors = root.get("vectors");
        if (vectors == null || !vectors.isArray()) {
            throw new UserError(file + " is not a normalizer vectors file (no \"vectors\" array)");
        }
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode v = vectors.get(i);
            JsonNode input = v.get("input");
            JsonNode expected = v.get("expected");
            if (input == null || !input.isTextual() || expected == null || !expected.isTextual()) {
                throw new UserError(file + ": case " + i + " has no textual \"input\" and \"expected\"");
            }
            Map<String, String> stages = new LinkedHashMap<>();
            JsonNode st = v.get("stages");
            if (st != null && st.isObject()) {
                for (String s : STAGES) if (st.hasNonNull(s)) stages.put(s, st.get(s).asText());
            }
            JsonNode key = v.get("key");
            cases.add(new Case(i, v.path("category").asText("?"), input.asText(), expected.asText(),
                    key == null || key.isNull() ? null : key.asText(), key != null, stages,
                    v.path("unicode_version_sensitive").asBoolean(false),
                    v.hasNonNull("java17_unicode13_result") ? v.get("java17_unicode13_result").asText() : null));
        }
        if (root.has("count") && root.get("count").asInt() != cases.size()) {
            throw new UserError(file + ": \"count\" says " + root.get("count").asInt() + " but the file holds "
                    + cases.size() + " vectors");
        }
        return new NormalizeVectors(cases);
    }

    /**
     * Checks every case: the final result, the key, and each recorded stage. Cases flagged
     * {@code unicode_version_sensitive} are held to {@code expected} like all others (the
     * normalizer carries the HF Unicode tables itself), so there are no exemptions.
     */
    public Report check() {
        List<Mismatch> mismatches = new ArrayList<>();
        int matched = 0;
        int sensitive = 0;
        for (Case c : cases) {
            if (c.unicodeVersionSensitive()) sensitive++;
            Mismatch m = checkOne(c);
            if (m == null) matched++;
            else mismatches.add(m);
        }
        return new Report(cases.size(), matched, sensitive, mismatches);
    }

    static Mismatch checkOne(Case c) {
        TokenNormalizer.Stages s = TokenNormalizer.stages(c.input());
        Map<String, String> actual = Map.of("nfkc", s.nfkc(), "nfd", s.nfd(), "strip_accents", s.stripAccents(),
                "lowercase", s.lowercase(), "whitespace_collapsed", s.whitespaceCollapsed());
        for (Map.Entry<String, String> e : c.stages().entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return new Mismatch(c, "stage " + e.getKey(), e.getValue(), actual.get(e.getKey()));
            }
        }
        if (!c.expected().equals(s.result())) return new Mismatch(c, "expected", c.expected(), s.result());
        if (c.keyRecorded()) {
            String key = TokenNormalizer.key(c.input());
            if (c.key() == null ? key != null : !c.key().equals(key)) return new Mismatch(c, "key", c.key(), key);
        }
        return null;
    }

    /** Shows a string with its non-printable and non-ASCII code points escaped, so a message stays one line. */
    static String escape(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\') b.append((char) cp);
            else b.append(cp <= 0xFFFF ? String.format("\\u%04X", cp) : String.format("\\U%06X", cp));
        });
        return b.append('"').toString();
    }
}
