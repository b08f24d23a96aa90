package io.engramstream.tokenize;

import io.engramstream.canon.TiktokenVocabulary;
import io.engramstream.cli.UserError;
import java.util.ServiceLoader;

/**
 * Opens a {@link TextTokenizer} by vocabulary name: the tiktoken encodings ({@code o200k_base},
 * {@code cl100k_base}, {@code p50k_base}, {@code r50k_base}) here in core, anything else
 * ({@code deepseek-v3}, a path to a {@code tokenizer.json}) through a {@link TextTokenizerProvider}
 * found with {@link ServiceLoader} (module {@code engram-topics} provides the HF one).
 */
public final class TextTokenizers {
    private TextTokenizers() {}

    public static TextTokenizer forId(String id) {
        if (TiktokenVocabulary.isEncoding(id)) return new TiktokenTextTokenizer(id);
        for (TextTokenizerProvider p : ServiceLoader.load(TextTokenizerProvider.class)) {
            if (p.supports(id)) return p.open(id);
        }
        throw new UserError("no tokenizer for '" + id + "' on the classpath: core has " + TiktokenVocabulary.ENCODINGS
                + "; deepseek-v3 and tokenizer.json files need module engram-topics (DJL HF tokenizers)");
    }
}
