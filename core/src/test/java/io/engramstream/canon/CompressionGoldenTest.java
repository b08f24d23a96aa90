package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The three golden compression tables, element for element: the canonical id of every old id,
 * the sizes, and the sha256 of the vocabulary the table was made from. The tiktoken tables are
 * also checked under the alternative raw-key convention the files record.
 */
class CompressionGoldenTest {

    static JsonNode golden(String name) throws IOException {
        return new ObjectMapper().readTree(Files.readAllBytes(TokenNormalizerVectorsTest.resource(name)));
    }

    static void assertSameLookup(JsonNode expected, CanonicalMap map, String what) {
        assertEquals(expected.size(), map.oldVocabSize(), what + ": old vocabulary size");
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).asInt() != map.map(i)) {
                fail(what + ": old id " + i + " maps to " + map.map(i) + ", golden table says " + expected.get(i).asInt());
            }
        }
    }

    static void assertGolden(String file, CanonicalMap map) throws IOException {
        JsonNode g = golden(file);
        assertEquals(g.get("source_sha256").asText(), map.vocabularySha256(), file + ": vocabulary sha256");
        assertEquals(g.get("old_vocab_size").asInt(), map.oldVocabSize());
        assertEquals(g.get("compressed_vocab_size").asInt(), map.canonicalVocabSize());
        assertSameLookup(g.get("lookup"), map, file);
        assertEquals(fingerprintOf(g.get("source_sha256").asText(), g.get("lookup")), map.fingerprint(), file + ": fingerprint");
    }

    /** The documented fingerprint formula applied to the golden table itself. */
    static String fingerprintOf(String sha, JsonNode lookup) throws IOException {
        try {
            int max = 0;
            for (JsonNode v : lookup) max = Math.max(max, v.asInt());
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(("engram-canonical-map/1\n" + sha + "\n" + lookup.size() + "\n" + (max + 1) + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * lookup.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (JsonNode v : lookup) b.putInt(v.asInt());
            d.update(b.array());
            return java.util.HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deepSeekV3() throws IOException {
        CanonicalMap map = CanonicalMapBuilder.build(
                HfTokenizerJson.read(TokenizerAssets.deepSeekV3TokenizerJson(), CanonicalMaps.DEEPSEEK_V3));
        assertEquals(128_815, map.oldVocabSize());
        assertEquals(98_627, map.canonicalVocabSize());   // the paper's ~23% reduction
        assertEquals(RawKeyConvention.HF_TOKEN.id(), map.rawKeyConvention());
        assertGolden("compression_deepseek_v3.json", map);
    }

    @Test
    void o200k() throws IOException {
        CanonicalMap map = CanonicalMapBuilder.build(TiktokenVocabulary.read("o200k_base", RawKeyConvention.TIKTOKEN_BASE64));
        assertEquals(199_998, map.oldVocabSize());
        assertEquals(132_134, map.canonicalVocabSize());
        assertGolden("compression_o200k.json", map);
    }

    @Test
    void cl100k() throws IOException {
        CanonicalMap map = CanonicalMapBuilder.build(TiktokenVocabulary.read("cl100k_base", RawKeyConvention.TIKTOKEN_BASE64));
        assertEquals(100_256, map.oldVocabSize());
        assertEquals(62_350, map.canonicalVocabSize());
        assertGolden("compression_cl100k.json", map);
    }

    @Test
    void tiktokenUnderTheAlternativeRawKeyConvention() throws IOException {
        for (String[] c : new String[][] {{"o200k_base", "compression_o200k.json"}, {"cl100k_base", "compression_cl100k.json"}}) {
            JsonNode alt = golden(c[1]).get("alternative_raw_key_convention");
            CanonicalMap map = CanonicalMapBuilder.build(TiktokenVocabulary.read(c[0], RawKeyConvention.GPT2_BYTE_LEVEL));
            assertEquals(alt.get("compressed_vocab_size").asInt(), map.canonicalVocabSize(), c[0]);
            assertSameLookup(alt.get("lookup"), map, c[1] + " alternative");
        }
    }
}
