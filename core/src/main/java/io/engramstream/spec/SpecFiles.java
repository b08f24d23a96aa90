package io.engramstream.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads spec files strictly: unknown keys, wrong types and out-of-range numbers are one-line
 * {@link UserError}s that name the file and the field, because a silently ignored typo would
 * change every bucket id. Format: {@code docs/design/spec.md}.
 */
final class SpecFiles {
    private static final Set<String> KNOWN = Set.of(EngramSpec.F_NAME, EngramSpec.F_LAYERS, EngramSpec.F_MAX_N,
            EngramSpec.F_HEADS, EngramSpec.F_SIZES, EngramSpec.F_SEED, EngramSpec.F_PAD, EngramSpec.F_VOCAB,
            EngramSpec.F_CANON, EngramSpec.F_DIM, EngramSpec.F_EMBED_PER_NGRAM, EngramSpec.F_DTYPE, EngramSpec.F_FINGERPRINT);
    private static final List<String> REQUIRED = List.of(EngramSpec.F_LAYERS, EngramSpec.F_MAX_N, EngramSpec.F_HEADS,
            EngramSpec.F_SIZES, EngramSpec.F_SEED, EngramSpec.F_PAD, EngramSpec.F_VOCAB, EngramSpec.F_CANON);

    private SpecFiles() {}

    static EngramSpec load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("spec " + file + ": no such file");
        } catch (IOException e) {
            throw new UserError("spec " + file + ": cannot read: " + e.getMessage());
        }
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = !lower.endsWith(".json");
        return parse(text, yaml, file.toString());
    }

    static EngramSpec parse(String text, boolean yaml, String source) {
        String where = "spec " + source;
        ObjectMapper mapper = yaml ? new YAMLMapper() : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new UserError(where + ": not valid " + (yaml ? "YAML" : "JSON") + loc + ": " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new UserError(where + ": expected an object with the spec fields (see docs/design/spec.md)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KNOWN.contains(k)) throw new UserError(where + ": unknown field '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(KNOWN)) + ")");
        }
        for (String k : REQUIRED) {
            if (!root.hasNonNull(k)) throw new UserError(where + ": missing field '" + k + "'");
        }
        try {
            EngramSpec.Builder b = EngramSpec.builder();
            if (root.hasNonNull(EngramSpec.F_NAME)) b.name(text(root, EngramSpec.F_NAME));
            b.layerIds(intList(root, EngramSpec.F_LAYERS));
            int maxN = (int) integer(root.get(EngramSpec.F_MAX_N), EngramSpec.F_MAX_N, 2, EngramSpec.MAX_NGRAM_LIMIT);
            int heads = (int) integer(root.get(EngramSpec.F_HEADS), EngramSpec.F_HEADS, 1, EngramSpec.MAX_HEADS_PER_NGRAM);
            b.maxNgram(maxN).headsPerNgram(heads);
            b.tableSizes(longList(root, EngramSpec.F_SIZES, 1, Integer.MAX_VALUE));
            b.seed(integer(root.get(EngramSpec.F_SEED), EngramSpec.F_SEED, 0, Long.MAX_VALUE));
            b.padId(integer(root.get(EngramSpec.F_PAD), EngramSpec.F_PAD, 0, Long.MAX_VALUE));
            b.compressedVocabSize(integer(root.get(EngramSpec.F_VOCAB), EngramSpec.F_VOCAB, 1, EngramSpec.MAX_VOCAB));
            b.canonicalMapId(text(root, EngramSpec.F_CANON));
            boolean hasDim = root.hasNonNull(EngramSpec.F_DIM);
            boolean hasPerNgram = root.hasNonNull(EngramSpec.F_EMBED_PER_NGRAM);
            if (hasDim && hasPerNgram) {
                throw new UserError("give either '" + EngramSpec.F_DIM + "' or '" + EngramSpec.F_EMBED_PER_NGRAM + "', not both");
            } else if (hasDim) {
                b.embedDimPerHead((int) integer(root.get(EngramSpec.F_DIM), EngramSpec.F_DIM, 1, EngramSpec.MAX_DIM_PER_HEAD));
            } else if (hasPerNgram) {
                long total = integer(root.get(EngramSpec.F_EMBED_PER_NGRAM), EngramSpec.F_EMBED_PER_NGRAM, 1, Integer.MAX_VALUE);
                if (total % heads != 0) {
                    throw new UserError(EngramSpec.F_EMBED_PER_NGRAM + ": " + total + " is not divisible by " + heads + " heads");
                }
                b.embedDimPerHead((int) Math.min(total / heads, Integer.MAX_VALUE));
            } else {
                throw new UserError("missing field '" + EngramSpec.F_DIM + "' (or '" + EngramSpec.F_EMBED_PER_NGRAM + "')");
            }
            if (root.hasNonNull(EngramSpec.F_DTYPE)) {
                try {
                    b.dtype(EmbeddingDType.parse(text(root, EngramSpec.F_DTYPE)));
                } catch (IllegalArgumentException e) {
                    throw new UserError(EngramSpec.F_DTYPE + ": " + e.getMessage());
                }
            }
            EngramSpec spec = b.build();
            if (root.hasNonNull(EngramSpec.F_FINGERPRINT)) {
                String fp = text(root, EngramSpec.F_FINGERPRINT);
                if (!fp.equalsIgnoreCase(spec.fingerprint())) {
                    throw new UserError("fingerprint: file says " + fp + " but its fields give " + spec.fingerprint()
                            + " (a field was edited; remove the fingerprint line to accept the new spec)");
                }
            }
            return spec;
        } catch (UserError e) {
            if (e.getMessage().startsWith(where)) throw e;
            throw new UserError(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isTextual()) throw new UserError(field + ": expected a string, got " + describe(n));
        return n.asText();
    }

    private static long integer(JsonNode n, String field, long min, long max) {
        if (n == null || n.isNull()) throw new UserError("missing field '" + field + "'");
        if (!n.isIntegralNumber()) throw new UserError(field + ": expected an integer, got " + describe(n));
        if (!n.canConvertToLong()) throw new UserError(field + ": " + n.asText() + " is out of range [" + min + ", " + max + "] (int64)");
        long v = n.longValue();
        if (v < min || v > max) {
            String why = field.startsWith(EngramSpec.F_SIZES) ? " (bucket ids must fit an int)"
                    : field.equals(EngramSpec.F_VOCAB) ? " (token ids must fit an int)" : "";
            throw new UserError(field + ": " + v + " is out of range [" + min + ", " + max + "]" + why);
        }
        return v;
    }

    private static int[] intList(JsonNode root, String field) {
        long[] v = longList(root, field, 0, Integer.MAX_VALUE);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    private static long[] longList(JsonNode root, String field, long min, long max) {
        JsonNode n = root.get(field);
        if (!n.isArray()) throw new UserError(field + ": expected a list of integers, got " + describe(n));
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) out.add(integer(n.get(i), field + "[" + i + "]", min, max));
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static String describe(JsonNode n) {
        JsonNodeType t = n.getNodeType();
        String v = n.isValueNode() ? " " + n.asText() : "";
        return t.name().toLowerCase(Locale.ROOT) + v;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
