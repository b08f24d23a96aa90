package io.engramstream.spec;

import io.engramstream.cli.UserError;
import io.engramstream.hash.NgramHashParams;
import io.engramstream.hash.PrimeSearch;
import io.engramstream.hash.ReferenceDerivation;
import java.io.Serializable;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How an Engram model addresses its memory: which layers carry Engram tables, the n-gram orders
 * and heads, the table size per order, the seed, the pad id, the canonical (compressed)
 * vocabulary, and the row layout (dims per head, dtype). From these it derives, exactly as the
 * reference {@code engram_demo_v1.py} does, the per-layer multipliers and per-head primes, and a
 * {@link #fingerprint()} that every artifact carries so that mismatched pieces refuse each other.
 *
 * <p>Validated for this project's storage: bucket ids fit an {@code int} (every prime
 * {@code <= 2^31-1}), token ids fit an {@code int} ({@code V <= 2^31}), rows of a layer fit
 * {@link RowKey}'s 48 bits. Immutable and {@link Serializable} (Flink ships it).
 * File format: {@code docs/design/spec.md}; loading: {@link SpecFiles}.
 */
public final class EngramSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Field names in spec files (snake_case, as the reference's config). */
    public static final String F_NAME = "name", F_LAYERS = "layer_ids", F_MAX_N = "max_ngram_size",
            F_HEADS = "n_head_per_ngram", F_SIZES = "engram_vocab_size", F_SEED = "seed", F_PAD = "pad_id",
            F_VOCAB = "compressed_vocab_size", F_CANON = "canonical_map", F_DIM = "embed_dim_per_head",
            F_EMBED_PER_NGRAM = "n_embed_per_ngram", F_DTYPE = "dtype", F_FINGERPRINT = "fingerprint";

    public static final int MAX_NGRAM_LIMIT = 32;
    public static final int MAX_HEADS_PER_NGRAM = 1024;
    public static final long MAX_VOCAB = 1L << 31;
    public static final int MAX_DIM_PER_HEAD = 1 << 16;
    /**
     * Most hash tables (layers x orders x heads) in one spec: the reference's prime allocation
     * walks past every prime used so far, so its cost grows with the square of this number
     * (16,384 tables derive in about a second; 127,000 took 38 s and 500,000 would take hours).
     */
    public static final int MAX_TABLES = 1 << 14;
    private static final Pattern MAP_ID = Pattern.compile("[A-Za-z0-9._-]+");

    /** The reference demo's table size per order: {@code 129280 * 5}. */
    public static final long DEMO_TABLE_SIZE = 129280L * 5;
    /** DeepSeek-V3's canonical vocabulary size (128,815 ids compress to 98,627). */
    public static final long DEEPSEEK_V3_CANONICAL_VOCAB = 98_627;

    private final String name;
    private final int[] layerIds;
    private final int maxNgram;
    private final int headsPerNgram;
    private final long[] tableSizes;
    private final long seed;
    private final long padId;
    private final long compressedVocabSize;
    private final String canonicalMapId;
    private final int embedDimPerHead;
    private final EmbeddingDType dtype;

    // Derived.
    private final long[][] multipliers;
    private final long[][] primes;
    private final long[][] headOffsets;
    private final String fingerprint;

    private EngramSpec(Builder b) {
        this.name = b.name == null ? "" : b.name;
        this.layerIds = b.layerIds.clone();
        this.maxNgram = b.maxNgram;
        this.headsPerNgram = b.headsPerNgram;
        this.tableSizes = b.tableSizes.clone();
        this.seed = b.seed;
        this.padId = b.padId;
        this.compressedVocabSize = b.compressedVocabSize;
        this.canonicalMapId = b.canonicalMapId;
        this.embedDimPerHead = b.embedDimPerHead;
        this.dtype = b.dtype;
        validateFields();
        int nl = layerIds.length;
        this.multipliers = new long[nl][];
        for (int li = 0; li < nl; li++) {
            multipliers[li] = ReferenceDerivation.multipliers(BigInteger.valueOf(seed), layerIds[li], compressedVocabSize, maxNgram);
        }
        this.primes = PrimeSearch.referencePrimes(nl, maxNgram, headsPerNgram, tableSizes);
        this.headOffsets = new long[nl][];
        for (int li = 0; li < nl; li++) {
            long[] off = new long[headsPerLayer() + 1];
            for (int j = 0; j < headsPerLayer(); j++) {
                long p = primes[li][j];
                if (p > Integer.MAX_VALUE) {
                    throw new UserError("engram_vocab_size: head " + j + " of layer " + layerIds[li] + " gets prime " + p
                            + ", above 2147483647: bucket ids must fit an int; use smaller tables");
                }
                off[j + 1] = off[j] + p;
            }
            if (off[headsPerLayer()] > RowKey.MAX_ROWS_PER_LAYER) {
                throw new UserError("layer " + layerIds[li] + " has " + off[headsPerLayer()] + " rows, above RowKey's 2^48");
            }
            headOffsets[li] = off;
        }
        this.fingerprint = computeFingerprint();
    }

    private void validateFields() {
        if (layerIds.length == 0) throw new UserError(F_LAYERS + ": at least one layer is required");
        if (layerIds.length > 0x7FFF) throw new UserError(F_LAYERS + ": at most 32767 layers, got " + layerIds.length);
        int[] sorted = layerIds.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0) throw new UserError(F_LAYERS + ": layer ids must be >= 0, got " + sorted[i]);
            if (i > 0 && sorted[i] == sorted[i - 1]) throw new UserError(F_LAYERS + ": layer id " + sorted[i] + " appears twice");
        }
        if (maxNgram < 2 || maxNgram > MAX_NGRAM_LIMIT) {
            throw new UserError(F_MAX_N + ": must be in [2, " + MAX_NGRAM_LIMIT + "], got " + maxNgram);
        }
        if (headsPerNgram < 1 || headsPerNgram > MAX_HEADS_PER_NGRAM) {
            throw new UserError(F_HEADS + ": must be in [1, " + MAX_HEADS_PER_NGRAM + "], got " + headsPerNgram);
        }
        if (tableSizes.length != maxNgram - 1) {
            throw new UserError(F_SIZES + ": need one size per order 2.." + maxNgram + " (" + (maxNgram - 1) + " values), got " + tableSizes.length);
        }
        for (int i = 0; i < tableSizes.length; i++) {
            if (tableSizes[i] < 1 || tableSizes[i] > Integer.MAX_VALUE) {
                throw new UserError(F_SIZES + "[" + i + "]: must be in [1, 2147483647] so bucket ids fit an int, got " + tableSizes[i]);
            }
        }
        if (seed < 0) throw new UserError(F_SEED + ": must be >= 0 (numpy rejects negative seeds), got " + seed);
        if (compressedVocabSize < 1 || compressedVocabSize > MAX_VOCAB) {
            throw new UserError(F_VOCAB + ": must be in [1, 2^31] so token ids fit an int, got " + compressedVocabSize);
        }
        if (padId < 0 || padId >= compressedVocabSize) {
            throw new UserError(F_PAD + ": must be a canonical id in [0, " + compressedVocabSize + "), got " + padId);
        }
        if (canonicalMapId == null || !MAP_ID.matcher(canonicalMapId).matches()) {
            throw new UserError(F_CANON + ": must be a non-empty id of letters, digits, '.', '_' or '-', got '" + canonicalMapId + "'");
        }
        if (embedDimPerHead < 1 || embedDimPerHead > MAX_DIM_PER_HEAD) {
            throw new UserError(F_DIM + ": must be in [1, " + MAX_DIM_PER_HEAD + "], got " + embedDimPerHead);
        }
        if (dtype == null) throw new UserError(F_DTYPE + ": required (fp32, fp16 or bf16)");
        long tables = (long) layerIds.length * (maxNgram - 1) * headsPerNgram;
        if (tables > MAX_TABLES) {
            throw new UserError(F_LAYERS + " x orders x " + F_HEADS + " = " + tables + " hash tables, above " + MAX_TABLES
                    + " (deriving their primes takes time quadratic in the number of tables)");
        }
    }

    // ---------------------------------------------------------------- presets and loading

    /**
     * The reference demo ({@code engram_demo_v1.py}): layers [1, 15], orders 2-3, 8 heads per
     * order, tables of {@code 129280*5} per order, seed 0, pad id 2, on the DeepSeek-V3 tokenizer
     * compressed to 98,627 canonical ids; {@code n_embed_per_ngram = 512} over 8 heads = 64 dims, fp32.
     */
    public static EngramSpec demo() {
        return builder().name("demo").layerIds(1, 15).maxNgram(3).headsPerNgram(8)
                .tableSizes(DEMO_TABLE_SIZE, DEMO_TABLE_SIZE).seed(0).padId(2)
                .compressedVocabSize(DEEPSEEK_V3_CANONICAL_VOCAB).canonicalMapId("deepseek-v3")
                .embedDimPerHead(64).dtype(EmbeddingDType.FP32).build();
    }

    /**
     * A small spec for fast tests: the demo's layers, orders, seed, pad id and vocabulary, but 2
     * heads per order, tables of 1009 and 1013 per order (about 4,100 rows per layer) and 8 fp32
     * dims per head.
     */
    public static EngramSpec tiny() {
        return builder().name("tiny").layerIds(1, 15).maxNgram(3).headsPerNgram(2)
                .tableSizes(1009, 1013).seed(0).padId(2)
                .compressedVocabSize(DEEPSEEK_V3_CANONICAL_VOCAB).canonicalMapId("deepseek-v3")
                .embedDimPerHead(8).dtype(EmbeddingDType.FP32).build();
    }

    /** Names of the built-in presets accepted by {@link #resolve(String)}. */
    public static List<String> presets() { return List.of("demo", "tiny"); }

    /** Loads a {@code .json} or {@code .yaml}/{@code .yml} spec file; any problem is a one-line {@link UserError}. */
    public static EngramSpec load(Path file) {
        return SpecFiles.load(file);
    }

    /** Parses spec text; {@code yaml} selects YAML (a superset of JSON) instead of strict JSON. */
    public static EngramSpec parse(String text, boolean yaml, String sourceName) {
        return SpecFiles.parse(text, yaml, sourceName);
    }

    /** A preset name ({@code demo}, {@code tiny}) or a path to a spec file. */
    public static EngramSpec resolve(String fileOrPreset) {
        if (fileOrPreset == null || fileOrPreset.isBlank()) throw new UserError("no spec given (a file, or one of " + presets() + ")");
        switch (fileOrPreset) {
            case "demo": return demo();
            case "tiny": return tiny();
            default: break;
        }
        Path p;
        try {
            p = Path.of(fileOrPreset);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UserError("no spec preset or file named '" + fileOrPreset + "': " + e.getReason());
        }
        if (!Files.isRegularFile(p)) {
            throw new UserError("no spec preset or file named '" + fileOrPreset + "' (presets: " + String.join(", ", presets()) + ")");
        }
        return load(p);
    }

    public static Builder builder() { return new Builder(); }

    /** A builder preset with this spec's fields, to derive variants. */
    public Builder toBuilder() {
        return builder().name(name).layerIds(layerIds).maxNgram(maxNgram).headsPerNgram(headsPerNgram)
                .tableSizes(tableSizes).seed(seed).padId(padId).compressedVocabSize(compressedVocabSize)
                .canonicalMapId(canonicalMapId).embedDimPerHead(embedDimPerHead).dtype(dtype);
    }

    // ---------------------------------------------------------------- accessors

    /** A display name (not part of the fingerprint). */
    public String name() { return name; }

    public List<Integer> layerIds() {
        List<Integer> l = new ArrayList<>(layerIds.length);
        for (int id : layerIds) l.add(id);
        return Collections.unmodifiableList(l);
    }

    public int layerId(int layerIndex) { return layerIds[layerIndex]; }

    /** The index of a layer id in {@link #layerIds()}, or -1. */
    public int layerIndex(int layerId) {
        for (int i = 0; i < layerIds.length; i++) if (layerIds[i] == layerId) return i;
        return -1;
    }

    public int numLayers() { return layerIds.length; }
    public int maxNgram() { return maxNgram; }
    public int headsPerNgram() { return headsPerNgram; }
    /** {@code (maxNgram-1) * headsPerNgram}; flat head {@code j = (n-2)*headsPerNgram + h}. */
    public int headsPerLayer() { return (maxNgram - 1) * headsPerNgram; }
    /** Bucket ids per token over all layers (32 for the demo). */
    public int lookupsPerToken() { return numLayers() * headsPerLayer(); }
    /** The configured table size per order 2..maxNgram (before the prime search). */
    public long[] tableSizes() { return tableSizes.clone(); }
    public long compressedVocabSize() { return compressedVocabSize; }
    public long padId() { return padId; }
    public long seed() { return seed; }
    /** Multipliers of a layer: {@code [k]} multiplies the token k positions back. */
    public long[] multipliers(int layerIndex) { return multipliers[layerIndex].clone(); }
    /** One prime (the head's table size) per flat head of a layer. */
    public long[] primes(int layerIndex) { return primes[layerIndex].clone(); }
    /** Prefix sums of {@link #primes}: length {@code headsPerLayer + 1}; row = headOffsets[j] + bucket. */
    public long[] headOffsets(int layerIndex) { return headOffsets[layerIndex].clone(); }
    public long rowsPerLayer(int layerIndex) { return headOffsets[layerIndex][headsPerLayer()]; }
    public long totalRows() {
        long s = 0;
        for (int li = 0; li < numLayers(); li++) s += rowsPerLayer(li);
        return s;
    }
    public int embedDimPerHead() { return embedDimPerHead; }
    public EmbeddingDType dtype() { return dtype; }
    public int bytesPerRow() { return embedDimPerHead * dtype.bytes(); }
    public String canonicalMapId() { return canonicalMapId; }

    /** The flat head index of (order n, head h). */
    public int flatHead(int n, int h) {
        if (n < 2 || n > maxNgram || h < 0 || h >= headsPerNgram) throw new IllegalArgumentException("no head (n=" + n + ", h=" + h + ")");
        return (n - 2) * headsPerNgram + h;
    }

    /** The derived hash function parameters ({@link io.engramstream.hash.NgramHasher} input). */
    public NgramHashParams hashParams() {
        return new NgramHashParams(maxNgram, headsPerNgram, padId, multipliers, primes);
    }

    /**
     * 16 hex chars: the first 8 bytes of SHA-256 over a canonical text of every field that
     * affects addressing or row layout (layers, orders, heads, sizes, seed, pad id, V, canonical
     * map id, dims, dtype). The name and the file's formatting do not count.
     */
    public String fingerprint() { return fingerprint; }

    /** The text the fingerprint hashes (stable; version-tagged). */
    public String fingerprintMaterial() {
        StringBuilder sb = new StringBuilder("engram-spec/v1");
        sb.append("|layers=").append(join(layerIds));
        sb.append("|max_ngram=").append(maxNgram);
        sb.append("|heads_per_ngram=").append(headsPerNgram);
        sb.append("|table_sizes=").append(join(tableSizes));
        sb.append("|seed=").append(seed);
        sb.append("|pad_id=").append(padId);
        sb.append("|compressed_vocab=").append(compressedVocabSize);
        sb.append("|canonical_map=").append(canonicalMapId);
        sb.append("|dim_per_head=").append(embedDimPerHead);
        sb.append("|dtype=").append(dtype.id());
        return sb.toString();
    }

    private String computeFingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(fingerprintMaterial().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails with a one-line {@link UserError} unless {@code other} is the same fingerprint. */
    public void requireFingerprint(String other, String what) {
        if (!fingerprint.equals(other)) {
            throw new UserError(what + " was made for spec " + other + ", not for spec " + fingerprint + " (" + describe() + ")");
        }
    }

    /** Spec JSON with a fixed key order; {@link #parse} reads it back to an equal spec. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        if (!name.isEmpty()) sb.append("  \"").append(F_NAME).append("\": \"").append(jsonEscape(name)).append("\",\n");
        sb.append("  \"").append(F_LAYERS).append("\": [").append(join(layerIds).replace(",", ", ")).append("],\n");
        sb.append("  \"").append(F_MAX_N).append("\": ").append(maxNgram).append(",\n");
        sb.append("  \"").append(F_HEADS).append("\": ").append(headsPerNgram).append(",\n");
        sb.append("  \"").append(F_SIZES).append("\": [").append(join(tableSizes).replace(",", ", ")).append("],\n");
        sb.append("  \"").append(F_SEED).append("\": ").append(seed).append(",\n");
        sb.append("  \"").append(F_PAD).append("\": ").append(padId).append(",\n");
        sb.append("  \"").append(F_VOCAB).append("\": ").append(compressedVocabSize).append(",\n");
        sb.append("  \"").append(F_CANON).append("\": \"").append(canonicalMapId).append("\",\n");
        sb.append("  \"").append(F_DIM).append("\": ").append(embedDimPerHead).append(",\n");
        sb.append("  \"").append(F_DTYPE).append("\": \"").append(dtype.id()).append("\",\n");
        sb.append("  \"").append(F_FINGERPRINT).append("\": \"").append(fingerprint).append("\"\n");
        return sb.append("}\n").toString();
    }

    /** One line for logs and error messages. */
    public String describe() {
        return (name.isEmpty() ? "" : name + ": ") + "layers " + layerIds() + ", n=2.." + maxNgram + ", " + headsPerNgram
                + " heads/order, sizes " + Arrays.toString(tableSizes) + ", seed " + seed + ", pad " + padId + ", V "
                + compressedVocabSize + " (" + canonicalMapId + "), " + embedDimPerHead + "x" + dtype.id();
    }

    @Override public String toString() { return "EngramSpec[" + fingerprint + " " + describe() + "]"; }

    @Override public boolean equals(Object o) {
        return o instanceof EngramSpec s && s.fingerprintMaterial().equals(fingerprintMaterial()) && s.name.equals(name);
    }

    @Override public int hashCode() { return fingerprint.hashCode(); }

    private static String join(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
        return sb.toString();
    }

    private static String join(long[] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) sb.append(i == 0 ? "" : ",").append(a[i]);
        return sb.toString();
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    /** Builds a validated spec; {@link #build()} throws {@link UserError} on a bad field. */
    public static final class Builder {
        private String name = "";
        private int[] layerIds = {};
        private int maxNgram = 3;
        private int headsPerNgram = 8;
        private long[] tableSizes = {};
        private long seed = 0;
        private long padId = 0;
        private long compressedVocabSize = 0;
        private String canonicalMapId = "";
        private int embedDimPerHead = 0;
        private EmbeddingDType dtype = EmbeddingDType.FP32;

        private Builder() {}

        public Builder name(String v) { name = v; return this; }
        public Builder layerIds(int... v) { layerIds = v.clone(); return this; }
        public Builder layerIds(List<Integer> v) { layerIds = v.stream().mapToInt(Integer::intValue).toArray(); return this; }
        public Builder maxNgram(int v) { maxNgram = v; return this; }
        public Builder headsPerNgram(int v) { headsPerNgram = v; return this; }
        public Builder tableSizes(long... v) { tableSizes = v.clone(); return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder padId(long v) { padId = v; return this; }
        public Builder compressedVocabSize(long v) { compressedVocabSize = v; return this; }
        public Builder canonicalMapId(String v) { canonicalMapId = v; return this; }
        public Builder embedDimPerHead(int v) { embedDimPerHead = v; return this; }
        public Builder dtype(EmbeddingDType v) { dtype = v; return this; }

        public EngramSpec build() { return new EngramSpec(this); }
    }
}
