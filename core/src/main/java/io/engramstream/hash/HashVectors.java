package io.engramstream.hash;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.UserError;
import io.engramstream.rng.NumpyGenerator;
import io.engramstream.rng.Pcg64;
import io.engramstream.rng.SeedSequence;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Golden hash vectors in the format of {@code hash_vectors.json} (see the vectors README): each
 * case has the reference {@code config}, optionally the {@code derived} intermediate values
 * (SeedSequence pool, generate_state, PCG64 state, first outputs, bounded path, r, multipliers,
 * primes) and {@code inputs} with their hashes per layer. {@link #check} recomputes all of it
 * with this project's code and reports the first difference of each case.
 */
public final class HashVectors {

    /** The outcome for one case: null {@code mismatch} means every value matched. */
    public record CaseResult(String name, int valuesCompared, String mismatch) {
        public boolean ok() { return mismatch == null; }
    }

    private final List<JsonNode> cases;

    private HashVectors(List<JsonNode> cases) { this.cases = cases; }

    public static HashVectors load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new UserError("vectors " + file + ": no such file");
        } catch (IOException e) {
            throw new UserError("vectors " + file + ": cannot read: " + e.getMessage());
        }
    }

    public static HashVectors read(InputStream in, String source) throws IOException {
        // Big integers stay exact (seeds above 2^64, int64 extremes).
        ObjectMapper m = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
        JsonNode root;
        try {
            root = m.readTree(in);
        } catch (JsonProcessingException e) {
            throw new UserError("vectors " + source + ": not valid JSON: " + e.getOriginalMessage().split("\n")[0]);
        }
        JsonNode cs = root == null ? null : root.get("cases");
        if (cs == null || !cs.isArray() || cs.isEmpty()) throw new UserError("vectors " + source + ": no 'cases' list");
        List<JsonNode> list = new ArrayList<>();
        cs.forEach(list::add);
        return new HashVectors(list);
    }

    public int size() { return cases.size(); }

    public String caseName(int i) {
        JsonNode n = cases.get(i).get("name");
        return n == null ? "case " + i : n.asText();
    }

    public List<CaseResult> checkAll() {
        List<CaseResult> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) out.add(check(i));
        return out;
    }

    /** Checks one case; malformed case data is reported as a mismatch naming the field. */
    public CaseResult check(int i) {
        String name = caseName(i);
        Counter c = new Counter();
        try {
            String m = checkCase(cases.get(i), c);
            return new CaseResult(name, c.n, m);
        } catch (RuntimeException e) {
            return new CaseResult(name, c.n, "cannot check: " + e);
        }
    }

    private static final class Counter { int n; }

    private static String checkCase(JsonNode cs, Counter c) {
        JsonNode cfg = req(cs, "config");
        long vocab = asLong(req(cfg, "compressed_vocab_size"));
        int maxN = (int) asLong(req(cfg, "max_ngram_size"));
        int heads = (int) asLong(req(cfg, "n_head_per_ngram"));
        long[] sizes = longs(req(cfg, "engram_vocab_size"));
        long[] layerIds = longs(req(cfg, "layer_ids"));
        long pad = asLong(req(cfg, "pad_id"));
        BigInteger seed = req(cfg, "seed").bigIntegerValue();

        long[][] mult = new long[layerIds.length][];
        for (int li = 0; li < layerIds.length; li++) {
            mult[li] = ReferenceDerivation.multipliers(seed, layerIds[li], vocab, maxN);
        }
        long[][] primes = PrimeSearch.referencePrimes(layerIds.length, maxN, heads, sizes);

        JsonNode derived = cs.get("derived");
        if (derived != null) {
            String m = checkDerived(derived, seed, layerIds, vocab, maxN, heads, mult, primes, c);
            if (m != null) return m;
        }
        NgramHasher hasher = new NgramHasher(new NgramHashParams(maxN, heads, pad, mult, primes));
        int J = (maxN - 1) * heads;
        JsonNode inputs = req(cs, "inputs");
        for (int ii = 0; ii < inputs.size(); ii++) {
            JsonNode in = inputs.get(ii);
            String inName = in.has("name") ? in.get("name").asText() : "input " + ii;
            JsonNode ids = req(in, "input_ids");
            JsonNode byLayer = req(in, "hashes_by_layer");
            for (int b = 0; b < ids.size(); b++) {
                long[] row = longs(ids.get(b));
                long[] got = hasher.hash(row);
                for (int li = 0; li < layerIds.length; li++) {
                    JsonNode exp = req(byLayer, Long.toString(layerIds[li])).get(b);
                    if (exp == null || exp.size() != row.length) {
                        return inName + " row " + b + " layer " + layerIds[li] + ": expected " + row.length + " positions in the file";
                    }
                    for (int t = 0; t < row.length; t++) {
                        JsonNode e = exp.get(t);
                        if (e.size() != J) return inName + " layer " + layerIds[li] + " t=" + t + ": file has " + e.size() + " heads, spec gives " + J;
                        for (int j = 0; j < J; j++) {
                            long want = asLong(e.get(j));
                            long have = got[(li * row.length + t) * J + j];
                            c.n++;
                            if (want != have) {
                                return inName + " row " + b + " layer " + layerIds[li] + " t=" + t + " order " + (j / heads + 2)
                                        + " head " + (j % heads) + ": expected " + want + ", got " + have;
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String checkDerived(JsonNode d, BigInteger seed, long[] layerIds, long vocab, int maxN, int heads,
                                       long[][] mult, long[][] primes, Counter c) {
        if (d.has("M_max") && !eq(d.get("M_max"), ReferenceDerivation.maxMultiplier(vocab), c)) {
            return "M_max: expected " + d.get("M_max") + ", got " + ReferenceDerivation.maxMultiplier(vocab);
        }
        if (d.has("half_bound") && !eq(d.get("half_bound"), ReferenceDerivation.halfBound(vocab), c)) {
            return "half_bound: expected " + d.get("half_bound") + ", got " + ReferenceDerivation.halfBound(vocab);
        }
        JsonNode layers = d.get("layers");
        if (layers == null) return null;
        if (layers.size() != layerIds.length) return "derived.layers: " + layers.size() + " entries for " + layerIds.length + " layers";
        for (int li = 0; li < layerIds.length; li++) {
            JsonNode l = layers.get(li);
            String at = "layer " + layerIds[li] + ": ";
            BigInteger layerSeed = ReferenceDerivation.layerSeed(seed, layerIds[li]);
            if (l.has("base_seed") && !l.get("base_seed").bigIntegerValue().equals(layerSeed)) {
                return at + "base_seed: expected " + l.get("base_seed") + ", got " + layerSeed;
            }
            SeedSequence ss = new SeedSequence(layerSeed);
            if (l.has("seedseq_entropy_words_u32")) {
                String m = compareU32(at + "SeedSequence entropy", l.get("seedseq_entropy_words_u32"), ss.entropy(), c);
                if (m != null) return m;
            }
            if (l.has("seedseq_pool_u32")) {
                String m = compareU32(at + "SeedSequence pool", l.get("seedseq_pool_u32"), ss.pool(), c);
                if (m != null) return m;
            }
            if (l.has("seedseq_generate_state_u64")) {
                long[] st = ss.generateState64(4);
                JsonNode e = l.get("seedseq_generate_state_u64");
                for (int k = 0; k < e.size(); k++) {
                    c.n++;
                    if (k >= st.length || parseHex64(e.get(k).asText()) != st[k]) {
                        return at + "generate_state[" + k + "]: expected " + e.get(k).asText() + ", got " + hex64(k < st.length ? st[k] : 0);
                    }
                }
            }
            Pcg64 pcg = new Pcg64(ss);
            if (l.has("pcg64_state_after_seeding_hex128")) {
                String have = hex64(pcg.stateHi()) + hex64(pcg.stateLo());
                c.n++;
                if (!have.equalsIgnoreCase(pad128(l.get("pcg64_state_after_seeding_hex128").asText()))) {
                    return at + "PCG64 state: expected " + l.get("pcg64_state_after_seeding_hex128").asText() + ", got " + have;
                }
            }
            if (l.has("pcg64_inc_hex128")) {
                String have = hex64(pcg.incHi()) + hex64(pcg.incLo());
                c.n++;
                if (!have.equalsIgnoreCase(pad128(l.get("pcg64_inc_hex128").asText()))) {
                    return at + "PCG64 increment: expected " + l.get("pcg64_inc_hex128").asText() + ", got " + have;
                }
            }
            if (l.has("pcg64_first_4_uint64_hex")) {
                Pcg64 fresh = new Pcg64(new SeedSequence(layerSeed));
                JsonNode e = l.get("pcg64_first_4_uint64_hex");
                for (int k = 0; k < e.size(); k++) {
                    long v = fresh.nextUint64();
                    c.n++;
                    if (parseHex64(e.get(k).asText()) != v) return at + "PCG64 output " + k + ": expected " + e.get(k).asText() + ", got " + hex64(v);
                }
            }
            if (l.has("integers_path")) {
                String path = NumpyGenerator.pathFor(ReferenceDerivation.halfBound(vocab)).shortName();
                c.n++;
                if (!l.get("integers_path").asText().startsWith(path)) {
                    return at + "bounded-integer path: expected " + l.get("integers_path").asText() + ", took " + path;
                }
            }
            if (l.has("r")) {
                long[] r = ReferenceDerivation.draws(seed, layerIds[li], vocab, maxN);
                String m = compareLongs(at + "r", l.get("r"), r, c);
                if (m != null) return m;
            }
            if (l.has("multipliers")) {
                String m = compareLongs(at + "multipliers", l.get("multipliers"), mult[li], c);
                if (m != null) return m;
            }
            if (l.has("primes_by_ngram")) {
                JsonNode pb = l.get("primes_by_ngram");
                for (int n = 2; n <= maxN; n++) {
                    JsonNode e = pb.get(Integer.toString(n));
                    if (e == null) return at + "primes_by_ngram: no entry for order " + n;
                    String m = compareLongs(at + "primes order " + n, e, Arrays.copyOfRange(primes[li], (n - 2) * heads, (n - 1) * heads), c);
                    if (m != null) return m;
                }
            }
        }
        return null;
    }

    private static boolean eq(JsonNode n, long v, Counter c) {
        c.n++;
        return n.bigIntegerValue().equals(BigInteger.valueOf(v));
    }

    private static String compareU32(String what, JsonNode exp, int[] have, Counter c) {
        if (exp.size() != have.length) return what + ": expected " + exp.size() + " words, got " + have.length;
        for (int k = 0; k < have.length; k++) {
            c.n++;
            if (asLong(exp.get(k)) != (have[k] & 0xFFFFFFFFL)) {
                return what + "[" + k + "]: expected " + exp.get(k) + ", got " + (have[k] & 0xFFFFFFFFL);
            }
        }
        return null;
    }

    private static String compareLongs(String what, JsonNode exp, long[] have, Counter c) {
        if (exp.size() != have.length) return what + ": expected " + exp.size() + " values, got " + have.length;
        for (int k = 0; k < have.length; k++) {
            c.n++;
            if (asLong(exp.get(k)) != have[k]) return what + "[" + k + "]: expected " + exp.get(k) + ", got " + have[k];
        }
        return null;
    }

    private static JsonNode req(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("missing field '" + field + "'");
        return v;
    }

    /** An int64 from the file (token ids may be any int64; larger values are an error). */
    private static long asLong(JsonNode n) {
        if (n == null || !n.isIntegralNumber()) throw new IllegalArgumentException("expected an integer, got " + n);
        BigInteger b = n.bigIntegerValue();
        if (b.bitLength() > 63) throw new IllegalArgumentException("value outside int64: " + b);
        return b.longValue();
    }

    private static long[] longs(JsonNode arr) {
        if (arr == null || !arr.isArray()) throw new IllegalArgumentException("expected a list, got " + arr);
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = asLong(arr.get(i));
        return out;
    }

    static long parseHex64(String s) { return Long.parseUnsignedLong(s, 16); }

    static String hex64(long v) { return String.format("%016x", v); }

    private static String pad128(String s) { return "0".repeat(Math.max(0, 32 - s.length())) + s; }

}
