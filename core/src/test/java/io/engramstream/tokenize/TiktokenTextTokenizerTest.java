package io.engramstream.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.cli.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ids checked against ranks read straight from the .tiktoken file, not through jtokkit's encoder. */
class TiktokenTextTokenizerTest {

    static Map<String, Integer> ranks(String encoding) throws IOException {
        Map<String, Integer> out = new HashMap<>();
        try (InputStream in = com.knuddels.jtokkit.Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/" + encoding + ".tiktoken")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] f = line.split(" ");
                out.put(new String(Base64.getDecoder().decode(f[0]), StandardCharsets.ISO_8859_1), Integer.parseInt(f[1]));
            }
        }
        return out;
    }

    static int rank(Map<String, Integer> ranks, String text) {
        return ranks.get(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    @Test
    void encodesToTheFileRanks() throws IOException {
        for (String enc : new String[] {"cl100k_base", "o200k_base"}) {
            Map<String, Integer> r = ranks(enc);
            try (TextTokenizer t = TextTokenizers.forId(enc)) {
                assertEquals(enc, t.id());
                assertArrayEquals(new int[] {rank(r, "Hello"), rank(r, " world"), rank(r, "!")}, t.encode("Hello world!"), enc);
            }
        }
    }

    @Test
    void specialTokenTextIsOrdinaryTextAndIdsStayInsideTheMap() {
        CanonicalMap map = CanonicalMaps.forId("cl100k_base");
        try (TextTokenizer t = TextTokenizers.forId("cl100k_base")) {
            int[] ids = t.encode("<|endoftext|> Ünïcödé 中文 🙂\n\n");
            assertTrue(ids.length > 3);
            for (int id : ids) assertTrue(id >= 0 && id < map.oldVocabSize(), "id " + id);
        }
    }

    @Test
    void unknownIdIsAUserError() {
        // core alone has no HF provider unless engram-topics is on the classpath (it is not in core's tests).
        assertThrows(UserError.class, () -> TextTokenizers.forId("deepseek-v3"));
        assertThrows(UserError.class, () -> TextTokenizers.forId("gpt-9"));
    }
}
