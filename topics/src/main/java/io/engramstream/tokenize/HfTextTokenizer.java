package io.engramstream.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's bindings of the Rust {@code tokenizers}
 * library: the real DeepSeek-V3 tokenizer (pre-tokenizer regexes, byte-level BPE merges), offline
 * from a local file. Truncation and padding are off (DJL would cut at 512 tokens otherwise) and no
 * special tokens are added, so the ids are exactly the text's tokens.
 */
public final class HfTextTokenizer implements TextTokenizer {
    private final String id;
    private final HuggingFaceTokenizer tokenizer;

    public HfTextTokenizer(String id, Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) throw new UserError("no such file: " + tokenizerJson);
        this.id = id;
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optTruncation(false)
                    .optPadding(false)
                    .optAddSpecialTokens(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new UserError("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override public String id() { return id; }

    @Override public int[] encode(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
        return out;
    }

    @Override public void close() { tokenizer.close(); }

    @Override public String toString() { return "HfTextTokenizer[" + id + "]"; }
}
