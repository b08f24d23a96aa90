package io.engramstream.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hot path ({@code int} tokens, {@code int} buckets, blocks, streams, row keys) and
 * {@link EngramSpec}'s derivation against the golden file directly: expected values come from
 * the file, never from the general path.
 */
class GoldenIntPathTest {
    static JsonNode root;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = GoldenIntPathTest.class.getResourceAsStream("/vectors/hash_vectors.json")) {
            root = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).readTree(in);
        }
    }

    @Test
    void specDerivationMatchesEveryRepresentableCase() {
        int specs = 0;
        int rejected = 0;
        for (JsonNode cs : root.get("cases")) {
            EngramSpec spec = specFor(cs);
            if (spec == null) { rejected++; continue; }
            specs++;
            JsonNode layers = cs.get("derived").get("layers");
            for (int li = 0; li < spec.numLayers(); li++) {
                JsonNode l = layers.get(li);
                assertArrayEquals(longs(l.get("multipliers")), spec.multipliers(li), cs.get("name").asText());
                List<Long> primes = new ArrayList<>();
                for (int n = 2; n <= spec.maxNgram(); n++) for (JsonNode p : l.get("primes_by_ngram").get(Integer.toString(n))) primes.add(p.longValue());
                assertArrayEquals(primes.stream().mapToLong(Long::longValue).toArray(), spec.primes(li), cs.get("name").asText());
                long[] off = spec.headOffsets(li);
                assertEquals(0, off[0]);
                for (int j = 0; j < spec.headsPerLayer(); j++) assertEquals(primes.get(j), off[j + 1] - off[j]);
            }
        }
        // Cases beyond the project's storage limits (primes > 2^31, V > 2^31, seeds > 2^63) are refused, the rest are specs.
        assertTrue(specs >= 32, "representable cases: " + specs);
        assertTrue(rejected >= 4, "refused cases: " + rejected);
    }

    @Test
    void intPathMatchesEveryInDomainInput() {
        int compared = 0;
        for (JsonNode cs : root.get("cases")) {
            EngramSpec spec = specFor(cs);
            if (spec == null) continue;
            NgramHasher hasher = new NgramHasher(spec);
            int J = spec.headsPerLayer();
            for (JsonNode in : cs.get("inputs")) {
                if (in.get("out_of_domain").asBoolean()) continue;
                for (int b = 0; b < in.get("input_ids").size(); b++) {
                    int[] ids = ints(in.get("input_ids").get(b));
                    int T = ids.length;
                    // Embed in a larger array at an offset to exercise off/len.
                    int[] padded = new int[T + 7];
                    System.arraycopy(ids, 0, padded, 3, T);
                    int[] out = new int[spec.numLayers() * T * J];
                    long[] keys = new long[out.length];
                    hasher.hash(padded, 3, T, out);
                    hasher.hashRowKeys(padded, 3, T, keys);
                    for (int li = 0; li < spec.numLayers(); li++) {
                        JsonNode exp = in.get("hashes_by_layer").get(Integer.toString(spec.layerId(li))).get(b);
                        long[] off = spec.headOffsets(li);
                        for (int t = 0; t < T; t++) {
                            for (int j = 0; j < J; j++) {
                                long want = exp.get(t).get(j).longValue();
                                int idx = (li * T + t) * J + j;
                                assertEquals(want, out[idx], cs.get("name").asText() + " layer " + spec.layerId(li) + " t=" + t + " j=" + j);
                                assertEquals(RowKey.of(li, off[j] + want), keys[idx]);
                                compared++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(compared > 50_000, "compared " + compared);
    }

    @Test
    void demoPresetIsTheReferenceDemoOnDeepSeekV3() {
        JsonNode demo = null;
        for (JsonNode cs : root.get("cases")) if (cs.get("name").asText().startsWith("demo_V98627")) demo = cs;
        EngramSpec spec = EngramSpec.demo();
        EngramSpec fromFile = specFor(demo);
        assertEquals(fromFile.fingerprintMaterial().replace("dim_per_head=1", "dim_per_head=64"), spec.fingerprintMaterial());
        for (int li = 0; li < 2; li++) {
            assertArrayEquals(fromFile.multipliers(li), spec.multipliers(li));
            assertArrayEquals(fromFile.primes(li), spec.primes(li));
        }
        assertEquals(32, spec.lookupsPerToken());
        assertEquals(256, spec.bytesPerRow());
    }

    /** The case as an EngramSpec, or null when the project refuses it (storage limits). */
    static EngramSpec specFor(JsonNode cs) {
        JsonNode c = cs.get("config");
        BigInteger seed = c.get("seed").bigIntegerValue();
        if (seed.bitLength() > 63) return null;
        try {
            return EngramSpec.builder().name(cs.get("name").asText())
                    .layerIds(ints(c.get("layer_ids")))
                    .maxNgram(c.get("max_ngram_size").intValue())
                    .headsPerNgram(c.get("n_head_per_ngram").intValue())
                    .tableSizes(longs(c.get("engram_vocab_size")))
                    .seed(seed.longValue()).padId(c.get("pad_id").longValue())
                    .compressedVocabSize(c.get("compressed_vocab_size").longValue())
                    .canonicalMapId("deepseek-v3").embedDimPerHead(1).build();
        } catch (UserError e) {
            return null;
        }
    }

    static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).longValue();
        return out;
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(a.get(i).longValue());
        return out;
    }
}
