package io.engramstream.canon;

import io.engramstream.cli.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Canonical maps by name, built once and cached: in memory for the JVM, and on disk under
 * {@code <cache>/canon/} so that later runs load a verified artifact instead of rebuilding.
 *
 * <p>Names: {@code deepseek-v3} (the paper's tokenizer, fetched by {@link TokenizerAssets}),
 * the tiktoken encodings {@code o200k_base}, {@code cl100k_base}, {@code p50k_base},
 * {@code r50k_base}, a path to a byte-level BPE {@code tokenizer.json}, or a path to a saved map.
 */
public final class CanonicalMaps {
    public static final String DEEPSEEK_V3 = "deepseek-v3";

    private static final Map<String, CanonicalMap> MEMORY = new ConcurrentHashMap<>();

    private CanonicalMaps() {}

    /** The canonical map for {@code id}, with the default raw-key convention for its kind. */
    public static CanonicalMap forId(String id) {
        CanonicalMap m = MEMORY.get(id);
        if (m != null) return m;
        synchronized (CanonicalMaps.class) {
            return MEMORY.computeIfAbsent(id, CanonicalMaps::loadOrBuild);
        }
    }

    /** The default raw-key convention for a vocabulary name: HF tokens for tokenizer.json, base64 for tiktoken. */
    public static RawKeyConvention defaultConvention(String id) {
        return TiktokenVocabulary.isEncoding(id) ? RawKeyConvention.TIKTOKEN_BASE64 : RawKeyConvention.HF_TOKEN;
    }

    /** Reads the vocabulary behind a name (fetching the DeepSeek-V3 tokenizer if needed). */
    public static Vocabulary vocabulary(String id, RawKeyConvention convention) {
        if (TiktokenVocabulary.isEncoding(id)) return TiktokenVocabulary.read(id, convention);
        if (convention != RawKeyConvention.HF_TOKEN) {
            throw new UserError("raw-key convention " + convention + " applies to tiktoken vocabularies only; "
                    + id + " is an HF tokenizer (" + RawKeyConvention.HF_TOKEN + ")");
        }
        if (id.equals(DEEPSEEK_V3)) return HfTokenizerJson.read(TokenizerAssets.deepSeekV3TokenizerJson(), DEEPSEEK_V3);
        Path p = Path.of(id);
        if (Files.isRegularFile(p)) return HfTokenizerJson.read(p, p.getFileName().toString());
        throw new UserError("unknown vocabulary '" + id + "': expected " + DEEPSEEK_V3 + ", one of "
                + TiktokenVocabulary.ENCODINGS + ", or a path to a tokenizer.json");
    }

    static CanonicalMap loadOrBuild(String id) {   // package-private for tests
        Path asPath = Path.of(id);
        if (Files.isRegularFile(asPath) && isSavedMap(asPath)) return CanonicalMap.load(asPath);

        RawKeyConvention convention = defaultConvention(id);
        String sourceSha = sourceSha256(id);
        String slug = id.replaceAll("[^A-Za-z0-9._-]", "_");
        if (slug.length() > 40) slug = slug.substring(slug.length() - 40);
        String key = Sha256.hex((sourceSha + "|" + convention.id() + "|" + TokenNormalizer.VERSION + "|"
                + CanonicalMap.FORMAT_VERSION).getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        Path cached = TokenizerAssets.cacheRoot().resolve("canon").resolve(slug + "-" + key + ".cmap");
        if (Files.isRegularFile(cached)) {
            try {
                CanonicalMap m = CanonicalMap.load(cached);
                if (m.vocabularySha256().equals(sourceSha) && m.rawKeyConvention().equals(convention.id())
                        && m.normalizerVersion().equals(TokenNormalizer.VERSION)) {
                    return m;
                }
            } catch (UserError damaged) {
                // rebuilt below and written over
            }
        }
        CanonicalMap built = CanonicalMapBuilder.build(vocabulary(id, convention));
        built.save(cached);
        return built;
    }

    /** The sha256 of the vocabulary file behind a name, without building anything. */
    static String sourceSha256(String id) {
        if (TiktokenVocabulary.isEncoding(id)) return Sha256.hex(TiktokenVocabulary.resourceBytes(id));
        if (id.equals(DEEPSEEK_V3)) {
            TokenizerAssets.deepSeekV3TokenizerJson();   // fetched and verified against the pin
            return TokenizerAssets.DEEPSEEK_V3_SHA256;
        }
        Path p = Path.of(id);
        if (!Files.isRegularFile(p)) {
            throw new UserError("unknown vocabulary '" + id + "': expected " + DEEPSEEK_V3 + ", one of "
                    + TiktokenVocabulary.ENCODINGS + ", or a path to a tokenizer.json");
        }
        try {
            return Sha256.hex(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isSavedMap(Path p) {
        try (var in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(CanonicalMap.MAGIC.length());
            return new String(head, StandardCharsets.US_ASCII).equals(CanonicalMap.MAGIC);
        } catch (IOException e) {
            return false;
        }
    }
}
