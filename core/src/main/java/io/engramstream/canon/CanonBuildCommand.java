package io.engramstream.canon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram canon build}: builds a canonical map from a vocabulary and optionally checks it against a golden table. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Builds the old-id -> canonical-id map (Engram tokenizer compression) of a vocabulary.",
                "Prints 'old -> new (reduction %%)'. With --compare, checks every id against a golden "
                        + "compression_*.json table and exits 1 on any difference."})
public final class CanonBuildCommand implements EngramCommand, Callable<Integer> {

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH|NAME",
            description = "a byte-level BPE tokenizer.json, deepseek-v3 (fetched, pinned), or a tiktoken encoding: "
                    + "o200k_base, cl100k_base, p50k_base, r50k_base")
    String tokenizer;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the map artifact")
    Path out;

    @Option(names = "--raw-key", paramLabel = "CONVENTION",
            description = "key for tokens that do not decode to valid UTF-8: hf-token (tokenizer.json), "
                    + "tiktoken-base64 (default for tiktoken) or gpt2-byte-level")
    String rawKey;

    @Option(names = "--compare", paramLabel = "FILE", description = "a golden compression_*.json table to compare with")
    Path compare;

    @Override public String group() { return "canon"; }

    @Override public Integer call() {
        RawKeyConvention convention = rawKey == null ? CanonicalMaps.defaultConvention(tokenizer) : RawKeyConvention.forId(rawKey);
        long t0 = System.nanoTime();
        Vocabulary vocabulary = CanonicalMaps.vocabulary(tokenizer, convention);
        long t1 = System.nanoTime();
        CanonicalMap map = CanonicalMapBuilder.build(vocabulary);
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "%d -> %d (%.2f%% reduction)%n", map.oldVocabSize(), map.canonicalVocabSize(),
                100 * map.reduction());
        System.out.printf(Locale.ROOT, "vocabulary %s sha256 %s, raw keys %s, normalizer %s%n", vocabulary.id(),
                map.vocabularySha256(), map.rawKeyConvention(), map.normalizerVersion());
        System.out.printf(Locale.ROOT, "fingerprint %s; read %.2f s, built %.2f s%n", map.fingerprint(),
                (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        if (out != null) {
            map.save(out);
            System.out.println("wrote " + out);
        }
        return compare == null ? 0 : compare(map);
    }

    private int compare(CanonicalMap map) {
        JsonNode g;
        try {
            g = new ObjectMapper().readTree(Files.readAllBytes(compare));
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + compare);
        } catch (IOException e) {
            throw new UserError("cannot read " + compare + " as JSON: " + e.getMessage());
        }
        JsonNode lookup = g.get("lookup");
        String which = "lookup";
        JsonNode alt = g.path("alternative_raw_key_convention");
        if (map.rawKeyConvention().equals(RawKeyConvention.GPT2_BYTE_LEVEL.id()) && alt.has("lookup")) {
            lookup = alt.get("lookup");
            which = "alternative_raw_key_convention.lookup";
        }
        if (lookup == null || !lookup.isArray()) throw new UserError(compare + " has no \"lookup\" array");
        if (g.has("source_sha256") && !g.get("source_sha256").asText().equals(map.vocabularySha256())) {
            System.out.println("note: " + compare.getFileName() + " was made from a vocabulary with sha256 "
                    + g.get("source_sha256").asText());
        }
        int n = Math.min(lookup.size(), map.oldVocabSize());
        int differ = Math.abs(lookup.size() - map.oldVocabSize());
        int first = -1;
        for (int i = 0; i < n; i++) {
            if (lookup.get(i).asInt() != map.map(i)) {
                differ++;
                if (first < 0) first = i;
            }
        }
        if (differ == 0) {
            System.out.println("matches " + compare.getFileName() + " (" + which + "): " + n + "/" + n + " ids equal");
            return 0;
        }
        System.out.println("differs from " + compare.getFileName() + " (" + which + "): " + differ + " ids differ"
                + (lookup.size() != map.oldVocabSize() ? " (table has " + lookup.size() + " ids, map " + map.oldVocabSize() + ")" : "")
                + (first >= 0 ? "; first at old id " + first + ": table " + lookup.get(first).asInt() + ", built " + map.map(first) : ""));
        return 1;
    }
}
