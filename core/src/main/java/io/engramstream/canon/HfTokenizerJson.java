package io.engramstream.canon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
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
        // Streamed: the merges list (half the file) is skipped, not built as a tree; the 100k+ vocab
        // keys are not canonicalized as field names (that alone took a second).
        String decoderType = null;
        Map<String, Integer> vocab = null;
        JsonNode added = null;
        try (JsonParser p = JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build()
                .createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new UserError(file + " is not a tokenizer.json (no top-level object)");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "decoder" -> {
                        JsonNode d = new ObjectMapper().readTree(p);
                        decoderType = d == null ? null : d.path("type").asText(null);
                    }
                    case "added_tokens" -> added = new ObjectMapper().readTree(p);
                    case "model" -> vocab = readModelVocab(p);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UserError(file + " is not valid JSON: " + e.getMessage());
        }
        if (!"ByteLevel".equals(decoderType)) {
            throw new UserError(file + ": only byte-level BPE tokenizers are supported (decoder type is '"
                    + (decoderType == null ? "none" : decoderType) + "', expected 'ByteLevel')");
        }
        if (vocab == null) throw new UserError(file + ": no model.vocab object (not a BPE tokenizer.json)");
        if (added == null || !added.isArray()) added = new ObjectMapper().createArrayNode();

        int maxId = -1;
        for (int v : vocab.values()) maxId = Math.max(maxId, v);
        for (JsonNode a : added) maxId = Math.max(maxId, a.path("id").asInt());
        String[] tokens = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) tokens[e.getValue()] = e.getKey();
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

    /** Reads model.vocab (token -> id) from the "model" object, skipping everything else in it. */
    private static Map<String, Integer> readModelVocab(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        Map<String, Integer> vocab = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("vocab") && t == JsonToken.START_OBJECT) {
                vocab = new HashMap<>(1 << 18);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    p.nextToken();
                    vocab.put(token, p.getIntValue());
                }
            } else {
                p.skipChildren();
            }
        }
        return vocab;
    }
}
