package io.engramstream.tokenize;

/**
 * Contributes tokenizers that core cannot hold itself (the DeepSeek-V3 HF tokenizer needs DJL's
 * native library and lives in module {@code engram-topics}). Listed in
 * {@code META-INF/services/io.engramstream.tokenize.TextTokenizerProvider}.
 */
public interface TextTokenizerProvider {
    /** Whether this provider can open {@code id}. */
    boolean supports(String id);

    TextTokenizer open(String id);
}
