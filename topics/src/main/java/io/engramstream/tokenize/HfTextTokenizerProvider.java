package io.engramstream.tokenize;

import io.engramstream.canon.CanonicalMaps;
import io.engramstream.canon.TokenizerAssets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens {@code deepseek-v3} (the pinned tokenizer.json, fetched on first use) and any path to a
 * {@code tokenizer.json} file (or a directory holding one) with {@link HfTextTokenizer}.
 */
public final class HfTextTokenizerProvider implements TextTokenizerProvider {

    @Override public boolean supports(String id) {
        return id.equals(CanonicalMaps.DEEPSEEK_V3) || resolve(id) != null;
    }

    @Override public TextTokenizer open(String id) {
        if (id.equals(CanonicalMaps.DEEPSEEK_V3)) {
            return new HfTextTokenizer(id, TokenizerAssets.deepSeekV3TokenizerJson());
        }
        Path p = resolve(id);
        if (p == null) throw new IllegalArgumentException("not a tokenizer.json: " + id);
        return new HfTextTokenizer(id, p);
    }

    private static Path resolve(String id) {
        try {
            Path p = Path.of(id);
            if (Files.isDirectory(p) && Files.isRegularFile(p.resolve("tokenizer.json"))) return p.resolve("tokenizer.json");
            if (Files.isRegularFile(p) && id.endsWith(".json")) return p;
        } catch (RuntimeException invalidPath) {
            // not a path
        }
        return null;
    }
}
