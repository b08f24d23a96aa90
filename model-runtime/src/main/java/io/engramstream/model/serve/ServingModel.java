package io.engramstream.model.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.canon.TiktokenVocabulary;
import io.engramstream.cli.UserError;
import io.engramstream.model.EngineThreads;
import io.engramstream.model.EngramLm;
import io.engramstream.model.ModelConfig;
import io.engramstream.model.memory.EmbeddingRows;
import io.engramstream.model.memory.EngramMemory;
import io.engramstream.model.memory.RowInitializer;
import io.engramstream.model.memory.SpecAddresser;
import io.engramstream.model.memory.TieredRows;
import io.engramstream.model.train.Checkpoint;
import io.engramstream.model.train.LmVocabulary;
import io.engramstream.model.train.TableSetup;
import io.engramstream.model.train.Tables;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A trained checkpoint ready to answer prompts: the model, its table (flat, or the tiered store,
 * optionally following a snapshot directory), its tokenizer and canonical map. {@link #predict}
 * runs a batch of queries together: windows of different lengths are right-padded, which changes
 * nothing for the real positions because attention, the Engram convolution and the N-gram hashing
 * are all causal. Not thread-safe: one serving thread.
 */
public final class ServingModel implements AutoCloseable {
    private final Path checkpoint;
    private final ModelConfig config;
    private final EngramSpec spec;
    private final LmVocabulary vocabulary;
    private final CanonicalMap canonical;
    private final TextTokenizer tokenizer;
    private final Encoding decoder;
    private final EmbeddingRows rows;
    private final EngramLm lm;

    private ServingModel(Path checkpoint, ModelConfig config, EngramSpec spec, LmVocabulary vocabulary, CanonicalMap canonical,
                         TextTokenizer tokenizer, Encoding decoder, EmbeddingRows rows, EngramLm lm) {
        this.checkpoint = checkpoint;
        this.config = config;
        this.spec = spec;
        this.vocabulary = vocabulary;
        this.canonical = canonical;
        this.tokenizer = tokenizer;
        this.decoder = decoder;
        this.rows = rows;
        this.lm = lm;
    }

    /** Loads the newest checkpoint under {@code dir} (or {@code dir} itself if it is one step folder). */
    public static ServingModel open(Path dir, TableSetup table, Consumer<String> log) throws IOException {
        Path step = Checkpoint.latest(dir);
        if (step == null) step = dir;
        if (!java.nio.file.Files.isRegularFile(step.resolve("train.json"))) throw new UserError("no checkpoint in " + dir);
        Checkpoint.TrainState st = Checkpoint.readState(step);
        ModelConfig config = Checkpoint.readModelConfig(step);
        if (!config.hasEngram()) throw new UserError("checkpoint " + step + " is a model without Engram; serve needs the Engram memory");
        EngramSpec spec = EngramSpec.load(Checkpoint.specFile(step));
        LmVocabulary vocab = Checkpoint.readVocabulary(step);
        CanonicalMap canonical = CanonicalMaps.forId(st.tokenizer());
        TextTokenizer tok = TextTokenizers.forId(st.tokenizer());
        Encoding decoder = TiktokenVocabulary.isEncoding(st.tokenizer())
                ? Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.fromName(st.tokenizer()).orElseThrow()) : null;
        EmbeddingRows rows = Tables.open(table, spec, new RowInitializer(st.settings().seed(), st.settings().rowInitStd()), null,
                canonical.fingerprint());
        try {
            int restored = Checkpoint.restoreRows(step, rows);
            EngramLm lm = new EngramLm(config, new EngramMemory(new SpecAddresser(spec), rows), NDManager.newBaseManager());
            Checkpoint.restoreParameters(step, lm);
            log.accept("serving " + step + ": " + config + "; spec " + spec.fingerprint() + "; " + restored
                    + " trained rows; table: " + rows.describe());
            return new ServingModel(step, config, spec, vocab, canonical, tok, decoder, rows, lm);
        } catch (IOException | RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    public Path checkpoint() { return checkpoint; }
    public EngramSpec spec() { return spec; }
    public ModelConfig config() { return config; }
    public EmbeddingRows rows() { return rows; }
    public String tokenizerId() { return tokenizer.id(); }
    /** Token ids a prompt may hold: {@code [0, tokenizerVocabulary())}. */
    public int tokenizerVocabulary() { return canonical.oldVocabSize(); }

    /** The tiered store behind the table, if it is tiered. */
    public Optional<TieredEmbeddingStore> store() {
        return rows instanceof TieredRows t ? Optional.of(t.store()) : Optional.empty();
    }

    /** Version of the snapshot the store is placed from, or null (flat table, no snapshot yet, or a plan set by hand). */
    public Long snapshotVersion() {
        return store().map(s -> {
            try {
                return s.snapshotId().isEmpty() ? null : Long.parseLong(s.snapshotId());
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    public int[] tokenize(String text) { return tokenizer.encode(text); }

    /** Text of tokenizer ids, for tiktoken vocabularies; null otherwise. */
    public String decode(int[] ids) {
        if (decoder == null) return null;
        IntArrayList l = new IntArrayList(ids.length);
        for (int id : ids) l.add(id);
        return decoder.decode(l);
    }

    /** Answers the queries together; prompt ids must be in {@code [0, tokenizerVocabulary())} and non-empty. */
    public List<Prediction> predict(List<Query> queries) {
        EngineThreads.noGradOnThisThread();
        int n = queries.size();
        int ctx = config.contextLength();
        List<int[]> seqs = new ArrayList<>(n);
        int[][] generated = new int[n][];
        int[] produced = new int[n];
        long[][] tiers = new long[n][3];
        int[][] topIds = new int[n][];
        float[][] topProbs = new float[n][];
        SplittableRandom[] rnd = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            Query q = queries.get(i);
            if (q.promptIds().length == 0) throw new IllegalArgumentException("query " + i + " has an empty prompt");
            seqs.add(q.promptIds());
            generated[i] = new int[q.maxNewTokens()];
            rnd[i] = new SplittableRandom(q.seed());
        }
        // Step 0 answers top-k for everyone; then every query still generating takes part.
        for (int step = 0; ; step++) {
            List<Integer> active = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (step == 0 || produced[i] < queries.get(i).maxNewTokens()) active.add(i);
            }
            if (active.isEmpty()) break;
            int b = active.size();
            int len = 0;
            for (int i : active) len = Math.max(len, Math.min(ctx, seqs.get(i).length + produced[i]));
            int[] lmIds = new int[b * len];
            int[] hashIds = new int[b * len];
            java.util.Arrays.fill(hashIds, (int) spec.padId());
            int[] lengths = new int[b];
            for (int k = 0; k < b; k++) {
                int i = active.get(k);
                int[] prompt = seqs.get(i);
                int total = prompt.length + produced[i];
                int l = Math.min(ctx, total);
                lengths[k] = l;
                for (int t = 0; t < l; t++) {
                    int pos = total - l + t;
                    int id = pos < prompt.length ? prompt[pos] : generated[i][pos - prompt.length];
                    lmIds[k * len + t] = vocabulary.compact(id);
                    hashIds[k * len + t] = canonical.map(id);
                }
            }
            float[][] probs = new float[b][];
            try (NDManager sm = lm.manager().newSubManager()) {
                EngramLm.Forward f = lm.forward(sm, lmIds, hashIds, b, len, false);
                countTiers(active, lengths, len, tiers);
                for (int k = 0; k < b; k++) {
                    NDArray last = f.logits().get(k, lengths[k] - 1);
                    probs[k] = last.softmax(-1).toFloatArray();
                    for (float v : probs[k]) {
                        if (!Float.isFinite(v)) throw new IllegalStateException("non-finite next-token probabilities for query " + active.get(k));
                    }
                }
            }
            for (int k = 0; k < b; k++) {
                int i = active.get(k);
                Query q = queries.get(i);
                if (step == 0) {
                    int kk = Math.min(q.topK(), vocabulary.size() - 1);
                    topIds[i] = new int[kk];
                    topProbs[i] = new float[kk];
                    topK(probs[k], topIds[i], topProbs[i]);
                }
                if (produced[i] < q.maxNewTokens()) {
                    int next = q.temperature() <= 0 ? argmax(probs[k]) : sample(probs[k], q.temperature(), rnd[i]);
                    generated[i][produced[i]++] = vocabulary.tokenizerId(next);
                }
            }
        }
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] top = topIds[i];
            for (int j = 0; j < top.length; j++) top[j] = vocabulary.tokenizerId(top[j]);
            out.add(new Prediction(top, topProbs[i], generated[i], tiers[i][0], tiers[i][1], tiers[i][2]));
        }
        return out;
    }

    /** Attributes the last batch's row lookups (real positions only) to the tier that holds each row. */
    private void countTiers(List<Integer> active, int[] lengths, int len, long[][] tiers) {
        Optional<TieredEmbeddingStore> store = store();
        EngramMemory memory = lm.memory();
        int heads = memory.headsPerLayer();
        for (int l = 0; l < memory.numLayers(); l++) {
            long[] keys = memory.lastKeys(l);
            for (int k = 0; k < active.size(); k++) {
                long[] c = tiers[active.get(k)];
                for (int t = 0; t < lengths[k]; t++) {
                    for (int j = 0; j < heads; j++) {
                        long key = keys[(k * len + t) * heads + j];
                        Tier tier = store.isPresent() ? store.get().tierOf(key) : Tier.HOT;   // a flat table is all in memory
                        c[tier.ordinal()]++;
                    }
                }
            }
        }
    }

    /** The k most likely ids other than the unknown id 0, most likely first (ties: smaller id). */
    static void topK(float[] p, int[] ids, float[] probs) {
        int k = ids.length;
        int filled = 0;
        for (int id = 1; id < p.length; id++) {
            float v = p[id];
            if (filled == k && v <= probs[k - 1]) continue;
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && probs[pos - 1] < v) {
                ids[pos] = ids[pos - 1];
                probs[pos] = probs[pos - 1];
                pos--;
            }
            ids[pos] = id;
            probs[pos] = v;
        }
    }

    private static int argmax(float[] p) {
        int best = 1;
        for (int id = 2; id < p.length; id++) if (p[id] > p[best]) best = id;
        return best;
    }

    /** Samples from {@code p^(1/T)} renormalized, never the unknown id. */
    private static int sample(float[] p, float temperature, SplittableRandom rnd) {
        double sum = 0;
        double[] w = new double[p.length];
        for (int id = 1; id < p.length; id++) {
            w[id] = Math.pow(Math.max(p[id], 0), 1.0 / temperature);
            sum += w[id];
        }
        double u = rnd.nextDouble() * sum;
        for (int id = 1; id < p.length; id++) {
            u -= w[id];
            if (u <= 0) return id;
        }
        return p.length - 1;
    }

    @Override
    public void close() throws IOException {
        try {
            lm.close();
        } finally {
            rows.close();
            try {
                tokenizer.close();
            } catch (Exception ignored) {
                // jtokkit holds nothing to release
            }
        }
    }
}
