package io.engramstream.canon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} of a byte-level BPE model (DeepSeek-V3, Llama-3,
 * Qwen, ...) into a {@link Vocabulary}, decoding each id the way {@code tokenizer.decode([id],
 * skip_special_tokens=False)} does: the added-token content or the model token, through the
 * ByteLevel decoder, as lossy UTF-8. The raw key is the token string itself
 * ({@code convert_ids_to_tokens}). Plain Jackson: no native tokenizer library needed.
 */
public final class HfTokenizerJson {
    private HfTokenizerJson() {}

    public static Vocabulary read(Path file, String id) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new UserError(file + " is not valid JSON: " + e.getMessage());
        }
        JsonNode decoder = root.path("decoder");
        if (!"ByteLevel".equals(decoder.path("type").asText())) {
            throw new UserError(file + ": only byte-level BPE tokenizers are supported (decoder type is '"
                    + decoder.path("type").asText("none") + "', expected 'ByteLevel')");
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject()) throw new UserError(file + ": no model.vocab object (not a BPE tokenizer.json)");
        JsonNode added = root.path("added_tokens");

        int maxId = -1;
        for (JsonNode v : vocab) maxId = Math.max(maxId, v.asInt());
        for (JsonNode a : added) maxId = Math.max(maxId, a.path("id").asInt());
        String[] tokens = new String[maxId + 1];
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            tokens[e.getValue().asInt()] = e.getKey();
        }
        // Added tokens win over model tokens with the same id, as in HF's id_to_token.
        for (JsonNode a : added) tokens[a.path("id").asInt()] = a.path("content").asText();
        String[] texts = new String[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                throw new UserError(file + ": token ids are not contiguous (no token has id " + i + " of 0.." + maxId + ")");
            }
            texts[i] = ByteLevel.decode(tokens[i]);
        }
        return new Vocabulary(id, Sha256.hex(bytes), RawKeyConvention.HF_TOKEN, texts, tokens);
    }
}
