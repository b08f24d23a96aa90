package io.engramstream.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.UserError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngramSpecTest {
    @TempDir Path dir;

    static final String DEMO_JSON = """
            {
              "name": "demo",
              "layer_ids": [1, 15],
              "max_ngram_size": 3,
              "n_head_per_ngram": 8,
              "engram_vocab_size": [646400, 646400],
              "seed": 0,
              "pad_id": 2,
              "compressed_vocab_size": 98627,
              "canonical_map": "deepseek-v3",
              "n_embed_per_ngram": 512,
              "dtype": "fp32"
            }
            """;

    static final String DEMO_YAML = """
            # the reference demo, formatted differently and with fields reordered
            dtype: float32
            canonical_map: deepseek-v3
            compressed_vocab_size: 98627
            pad_id: 2
            seed: 0
            engram_vocab_size:
              - 646400
              - 646400
            n_head_per_ngram: 8
            max_ngram_size: 3
            layer_ids: [1, 15]
            embed_dim_per_head: 64
            name: another name
            """;

    @Test
    void demoPresetHasTheReferenceShape() {
        EngramSpec d = EngramSpec.demo();
        assertEquals(List.of(1, 15), d.layerIds());
        assertEquals(3, d.maxNgram());
        assertEquals(16, d.headsPerLayer());
        assertEquals(32, d.lookupsPerToken());
        assertEquals(98_627, d.compressedVocabSize());
        assertEquals(2, d.padId());
        assertEquals(64, d.embedDimPerHead());
        assertEquals(EmbeddingDType.FP32, d.dtype());
        assertEquals(256, d.bytesPerRow());
        assertEquals("deepseek-v3", d.canonicalMapId());
        assertArrayEquals(new long[] {646400, 646400}, d.tableSizes());
        for (int li = 0; li < 2; li++) {
            long[] off = d.headOffsets(li);
            assertEquals(17, off.length);
            long sum = 0;
            for (long p : d.primes(li)) sum += p;
            assertEquals(sum, d.rowsPerLayer(li));
            assertEquals(sum, off[16]);
        }
        // From the golden file (case demo_V98627): layer 1's first prime, layer 15's last.
        assertEquals(646403, d.primes(0)[0]);
        assertEquals(646879, d.primes(1)[15]);
        assertEquals(0, d.layerIndex(1));
        assertEquals(1, d.layerIndex(15));
        assertEquals(-1, d.layerIndex(2));
    }

    @Test
    void tinyPresetIsSmall() {
        EngramSpec t = EngramSpec.tiny();
        assertEquals(2, t.numLayers());
        assertEquals(4, t.headsPerLayer());
        assertArrayEquals(new long[] {1009, 1013, 1019, 1021}, t.primes(0));
        assertTrue(t.rowsPerLayer(1) < 5000);
        assertEquals(98_627, t.compressedVocabSize());
    }

    @Test
    void fingerprintIsPinnedAndFormatIndependent() throws Exception {
        // Pinned: artifacts written by earlier builds carry it. Change only with a new material version.
        assertEquals("5f87f2304cd93438", EngramSpec.demo().fingerprint());
        Path json = dir.resolve("demo.json");
        Path yaml = dir.resolve("demo.yaml");
        Files.writeString(json, DEMO_JSON);
        Files.writeString(yaml, DEMO_YAML);
        EngramSpec a = EngramSpec.load(json);
        EngramSpec b = EngramSpec.load(yaml);
        assertEquals(EngramSpec.demo(), a);
        assertEquals(EngramSpec.demo().fingerprint(), b.fingerprint());
        assertEquals(16, a.fingerprint().length());
        // toJson round-trips, with the fingerprint line checked on the way back.
        Path again = dir.resolve("again.json");
        Files.writeString(again, EngramSpec.demo().toJson());
        assertEquals(EngramSpec.demo(), EngramSpec.load(again));
        assertEquals(EngramSpec.tiny(), EngramSpec.parse(EngramSpec.tiny().toJson(), false, "tiny"));
        // resolve: presets and paths.
        assertEquals(EngramSpec.demo(), EngramSpec.resolve("demo"));
        assertEquals(EngramSpec.tiny(), EngramSpec.resolve("tiny"));
        assertEquals(b, EngramSpec.resolve(yaml.toString()));
    }

    @Test
    void fingerprintChangesWithEveryAddressingField() {
        EngramSpec base = EngramSpec.demo();
        List<UnaryOperator<EngramSpec.Builder>> changes = List.of(
                b -> b.layerIds(1, 14),
                b -> b.layerIds(15, 1),
                b -> b.layerIds(1, 15, 20),
                b -> b.maxNgram(4).tableSizes(646400, 646400, 646400),
                b -> b.headsPerNgram(4),
                b -> b.tableSizes(646400, 646401),
                b -> b.seed(1),
                b -> b.padId(3),
                b -> b.compressedVocabSize(98628),
                b -> b.canonicalMapId("o200k_base"),
                b -> b.embedDimPerHead(32),
                b -> b.dtype(EmbeddingDType.BF16));
        Set<String> seen = new HashSet<>();
        seen.add(base.fingerprint());
        for (UnaryOperator<EngramSpec.Builder> c : changes) {
            String fp = c.apply(base.toBuilder()).build().fingerprint();
            assertTrue(seen.add(fp), "fingerprint did not change: " + fp);
        }
        assertEquals(base.fingerprint(), base.toBuilder().name("renamed").build().fingerprint());
    }

    @Test
    void serializableForFlink() throws Exception {
        EngramSpec d = EngramSpec.demo();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) { out.writeObject(d); }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            EngramSpec back = (EngramSpec) in.readObject();
            assertEquals(d, back);
            assertEquals(d.fingerprint(), back.fingerprint());
            assertArrayEquals(d.multipliers(1), back.multipliers(1));
        }
    }

    @Test
    void badSpecFilesGiveOneLineUserErrors() throws Exception {
        String[][] bad = {
                {"broken.json", "{\"layer_ids\": [1, 15],", "not valid JSON"},
                {"list.json", "[1, 2]", "expected an object"},
                {"unknown.json", DEMO_JSON.replace("\"seed\"", "\"sed\""), "unknown field 'sed'"},
                {"missing.json", DEMO_JSON.replace("\"pad_id\": 2,", ""), "missing field 'pad_id'"},
                {"type.json", DEMO_JSON.replace("\"seed\": 0", "\"seed\": \"zero\""), "seed: expected an integer"},
                {"float.json", DEMO_JSON.replace("\"seed\": 0", "\"seed\": 1.5"), "seed: expected an integer"},
                {"huge.json", DEMO_JSON.replace("\"seed\": 0", "\"seed\": 18446744073709551693"), "seed"},
                {"neg.json", DEMO_JSON.replace("\"seed\": 0", "\"seed\": -1"), "seed"},
                {"sizes.json", DEMO_JSON.replace("[646400, 646400]", "[646400]"), "engram_vocab_size"},
                {"bigsize.json", DEMO_JSON.replace("[646400, 646400]", "[646400, 3000000000]"), "fit an int"},
                {"bigprime.json", DEMO_JSON.replace("[646400, 646400]", "[2147483647, 646400]"), "above 2147483647"},
                {"pad.json", DEMO_JSON.replace("\"pad_id\": 2", "\"pad_id\": 98627"), "pad_id"},
                {"dup.json", DEMO_JSON.replace("[1, 15]", "[1, 1]"), "appears twice"},
                {"nolayers.json", DEMO_JSON.replace("[1, 15]", "[]"), "at least one layer"},
                {"n.json", DEMO_JSON.replace("\"max_ngram_size\": 3", "\"max_ngram_size\": 1"), "max_ngram_size"},
                {"dtype.json", DEMO_JSON.replace("fp32", "int4"), "unknown dtype"},
                {"div.json", DEMO_JSON.replace("512", "500"), "not divisible"},
                {"vocab.json", DEMO_JSON.replace("98627", "4294967296"), "compressed_vocab_size"},
                {"map.json", DEMO_JSON.replace("deepseek-v3", "deep seek"), "canonical_map"},
                {"fp.json", DEMO_JSON.replace("\"dtype\": \"fp32\"", "\"dtype\": \"fp32\", \"fingerprint\": \"0000000000000000\""), "fingerprint"},
                {"bad.yaml", "layer_ids: [1, 15\nseed: 0", "not valid YAML"},
        };
        for (String[] c : bad) {
            Path f = dir.resolve(c[0]);
            Files.writeString(f, c[1]);
            UserError e = assertThrows(UserError.class, () -> EngramSpec.load(f), c[0]);
            assertTrue(e.getMessage().contains(c[2]), c[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("spec " + f), c[0] + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), c[0] + ": " + e.getMessage());
        }
        UserError missing = assertThrows(UserError.class, () -> EngramSpec.load(dir.resolve("nope.json")));
        assertTrue(missing.getMessage().contains("no such file"));
        UserError unknown = assertThrows(UserError.class, () -> EngramSpec.resolve("demo2"));
        assertTrue(unknown.getMessage().contains("presets: demo, tiny"), unknown.getMessage());
    }

    @Test
    void requireFingerprintRefusesOtherSpecs() {
        EngramSpec d = EngramSpec.demo();
        d.requireFingerprint(d.fingerprint(), "snapshot");
        UserError e = assertThrows(UserError.class, () -> d.requireFingerprint(EngramSpec.tiny().fingerprint(), "snapshot x.arrow"));
        assertTrue(e.getMessage().startsWith("snapshot x.arrow was made for spec " + EngramSpec.tiny().fingerprint()));
        assertNotEquals(EngramSpec.demo().fingerprint(), EngramSpec.tiny().fingerprint());
    }
}
