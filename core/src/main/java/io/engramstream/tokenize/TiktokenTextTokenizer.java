package io.engramstream.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.engramstream.cli.UserError;

/**
 * A tiktoken encoding through jtokkit (pure Java). Encodes ordinary text only: special-token
 * strings in the text are tokenized as text, so every id is an ordinary rank and lies inside the
 * canonical map of the same encoding.
 */
public final class TiktokenTextTokenizer implements TextTokenizer {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final String id;
    private final Encoding encoding;

    public TiktokenTextTokenizer(String encodingName) {
        EncodingType type = EncodingType.fromName(encodingName)
                .orElseThrow(() -> new UserError("unknown tiktoken encoding '" + encodingName + "'"));
        this.id = encodingName;
        this.encoding = REGISTRY.getEncoding(type);
    }

    @Override public String id() { return id; }

    @Override public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override public String toString() { return "TiktokenTextTokenizer[" + id + "]"; }
}
