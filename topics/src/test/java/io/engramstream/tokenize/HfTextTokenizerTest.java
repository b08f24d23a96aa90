package io.engramstream.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.canon.TokenizerAssets;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DeepSeek-V3 tokenizer through DJL, checked against ids read straight from the
 * {@code tokenizer.json} vocabulary (not through the tokenizer under test).
 */
class HfTextTokenizerTest {
    static TextTokenizer tokenizer;
    static JsonNode vocab;

    @BeforeAll
    static void open() throws IOException {
        tokenizer = TextTokenizers.forId("deepseek-v3");   // through ServiceLoader, as callers do
        vocab = new ObjectMapper().readTree(Files.readAllBytes(TokenizerAssets.deepSeekV3TokenizerJson()))
                .path("model").path("vocab");
    }

    @AfterAll
    static void close() { tokenizer.close(); }

    static int id(String byteLevelToken) {
        JsonNode n = vocab.get(byteLevelToken);
        assertTrue(n != null, "vocabulary has no token " + byteLevelToken);
        return n.asInt();
    }

    @Test
    void providerIsFoundThroughServiceLoader() {
        assertInstanceOf(HfTextTokenizer.class, tokenizer);
        assertEquals("deepseek-v3", tokenizer.id());
    }

    @Test
    void sentenceEncodesToTheVocabularyIdsOfItsWords() {
        // Byte-level tokens: a leading space is "Ġ" (U+0120).
        assertArrayEquals(new int[] {id("Hello"), id("Ġworld"), id(",")}, tokenizer.encode("Hello world,"));
        assertArrayEquals(new int[] {id("The"), id("Ġquick"), id("Ġbrown"), id("Ġfox"), id(".")},
                tokenizer.encode("The quick brown fox."));
    }

    @Test
    void nonAsciiTextUsesByteLevelTokens() {
        // "é" is bytes C3 A9, which byte-level BPE spells "Ã©"; " café" merges to one token "ĠcafÃ©" if the vocabulary has it.
        int[] ids = tokenizer.encode(" café");
        StringBuilder joined = new StringBuilder();
        JsonNode byId = inverse();
        for (int i : ids) joined.append(byId.get(String.valueOf(i)).asText());
        assertEquals("ĠcafÃ©", joined.toString());
    }

    @Test
    void noTruncationAndNoSpecialTokens() {
        String text = "one two three four five six seven eight nine ten ".repeat(120);   // ~1200 tokens
        int[] ids = tokenizer.encode(text);
        assertTrue(ids.length > 1000, "truncated to " + ids.length);
        assertEquals(id("one"), ids[0], "no BOS token is added");
    }

    @Test
    void everyIdLiesInsideTheCanonicalMap() {
        CanonicalMap map = CanonicalMaps.forId("deepseek-v3");
        int[] ids = tokenizer.encode("Ünïcödé, 中文, русский, emoji 🙂 and\ttabs\n\nnewlines");
        for (int id : ids) {
            assertTrue(id >= 0 && id < map.oldVocabSize(), "id " + id);
        }
        // The compression merges case variants: "Hello" and "hello" share a canonical id.
        assertEquals(map.map(id("Hello")), map.map(id("hello")));
        assertEquals(map.map(id("Ġworld")), map.map(id("world")));
    }

    private static JsonNode inverse() {
        com.fasterxml.jackson.databind.node.ObjectNode inv = new ObjectMapper().createObjectNode();
        vocab.fields().forEachRemaining(e -> inv.put(String.valueOf(e.getValue().asInt()), e.getKey()));
        return inv;
    }
}
