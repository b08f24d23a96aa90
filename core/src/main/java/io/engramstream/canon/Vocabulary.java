package io.engramstream.canon;

import java.util.Objects;

/**
 * A tokenizer vocabulary as the canonical map needs it: for every old id {@code 0..size-1} the
 * text the reference decodes it to ({@code tokenizer.decode([id])}) and the raw key it falls back
 * to when that text contains U+FFFD. Read by {@link HfTokenizerJson} and {@link TiktokenVocabulary}.
 *
 * @param id               a short name ({@code deepseek-v3}, {@code o200k_base}, or a file name)
 * @param sha256           sha256 of the vocabulary file's bytes, lower-case hex
 * @param rawKeyConvention how {@code rawKeys} were formed
 * @param texts            decoded text per old id
 * @param rawKeys          raw key per old id
 */
public record Vocabulary(String id, String sha256, RawKeyConvention rawKeyConvention, String[] texts, String[] rawKeys) {
    public Vocabulary {
        Objects.requireNonNull(id);
        Objects.requireNonNull(sha256);
        Objects.requireNonNull(rawKeyConvention);
        if (texts.length != rawKeys.length) throw new IllegalArgumentException("texts and raw keys differ in length");
    }

    public int size() { return texts.length; }
}
