package io.engramstream.topics.cli;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.engramstream.cli.UserError;

/**
 * Opens the tokenizer for {@code produce tokens}. Interim: jtokkit's tiktoken encodings only,
 * until the canon helper's {@code TextTokenizers.forId} (with deepseek-v3) is on this branch.
 */
final class TokenizerSupport {
    private TokenizerSupport() {}

    interface Tokenizer extends AutoCloseable {
        String id();

        int[] encode(String text);

        @Override default void close() {}
    }

    /** The fingerprint of the canonical map paired with a tokenizer, or null when unknown here. */
    static String canonicalMapFingerprint(String id) {
        return null;
    }

    static Tokenizer open(String id) {
        EncodingType type = switch (id) {
            case "o200k_base" -> EncodingType.O200K_BASE;
            case "cl100k_base" -> EncodingType.CL100K_BASE;
            case "p50k_base" -> EncodingType.P50K_BASE;
            case "r50k_base" -> EncodingType.R50K_BASE;
            default -> throw new UserError("tokenizer '" + id + "' is not available in this build (o200k_base, cl100k_base, p50k_base, r50k_base)");
        };
        Encoding enc = Encodings.newDefaultEncodingRegistry().getEncoding(type);
        return new Tokenizer() {
            @Override public String id() { return id; }

            @Override public int[] encode(String text) { return enc.encodeOrdinary(text).toArray(); }
        };
    }
}
