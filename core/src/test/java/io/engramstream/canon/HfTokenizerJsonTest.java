package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerJsonTest {

    @Test
    void decodesByteLevelTokensAndBuildsTheHandComputedMap(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, TinyTokenizerJson.TEXT);
        Vocabulary v = HfTokenizerJson.read(f, "tiny");
        assertEquals(10, v.size());
        assertEquals(" a", v.texts()[2]);
        assertEquals("\n", v.texts()[4]);
        assertEquals("é", v.texts()[5]);
        assertEquals("\uFFFD", v.texts()[7]);
        assertEquals("<s>", v.texts()[9]);
        assertEquals("Ã", v.rawKeys()[7]);
        CanonicalMap m = CanonicalMapBuilder.build(v);
        assertArrayEquals(TinyTokenizerJson.LOOKUP, m.toArray());
        assertEquals(6, m.canonicalVocabSize());
        assertEquals(Sha256.hex(f), m.vocabularySha256());
    }

    @Test
    void rejectsWhatItCannotDecode(@TempDir Path dir) throws IOException {
        Path metaspace = dir.resolve("metaspace.json");
        Files.writeString(metaspace, TinyTokenizerJson.TEXT.replace("\"decoder\":{\"type\":\"ByteLevel\"", "\"decoder\":{\"type\":\"Metaspace\""));
        assertTrue(assertThrows(UserError.class, () -> HfTokenizerJson.read(metaspace, "x")).getMessage().contains("byte-level"));

        Path holes = dir.resolve("holes.json");
        Files.writeString(holes, TinyTokenizerJson.TEXT.replace("\"©\":8", "\"©\":12"));
        assertTrue(assertThrows(UserError.class, () -> HfTokenizerJson.read(holes, "x")).getMessage().contains("not contiguous"));

        Path notJson = dir.resolve("bad.json");
        Files.writeString(notJson, "{");
        assertThrows(UserError.class, () -> HfTokenizerJson.read(notJson, "x"));
        assertThrows(UserError.class, () -> HfTokenizerJson.read(dir.resolve("missing.json"), "x"));
    }
}
