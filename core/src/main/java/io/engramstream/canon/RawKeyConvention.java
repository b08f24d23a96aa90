package io.engramstream.canon;

import io.engramstream.cli.UserError;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What the reference keys a token on when its decoded text contains U+FFFD (a token that is not
 * valid UTF-8 on its own): {@code convert_ids_to_tokens(id)}, the raw token. That is well defined for
 * an HF tokenizer; a tiktoken vocabulary has no such string, so one of two stand-ins is chosen and
 * recorded in the map. Changing it changes the map (see the golden tables' alternative lookup).
 */
public enum RawKeyConvention {
    /** The token string from {@code tokenizer.json} (added-token content or model token): the reference itself. */
    HF_TOKEN("hf-token"),
    /** The base64 token exactly as in the {@code .tiktoken} file. The default for tiktoken vocabularies. */
    TIKTOKEN_BASE64("tiktoken-base64"),
    /** The GPT-2 bytes_to_unicode string of the token bytes (what an HF conversion of the vocabulary would return). */
    GPT2_BYTE_LEVEL("gpt2-byte-level");

    private final String id;

    RawKeyConvention(String id) { this.id = id; }

    public String id() { return id; }

    public static RawKeyConvention forId(String id) {
        for (RawKeyConvention c : values()) if (c.id.equals(id)) return c;
        throw new UserError("unknown raw-key convention '" + id + "' (known: "
                + Arrays.stream(values()).map(RawKeyConvention::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override public String toString() { return id; }
}
