package io.engramstream.model.train;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.tokenize.TextTokenizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A corpus turned into model input: tokenizer ids, their canonical ids (what the Engram hashing
 * reads) and the LM's compact ids (what it predicts), for a training split and a held-out
 * validation split (every {@code validEvery}-th document). Documents are joined with a newline
 * token. Batches are drawn by step number alone, so a resumed run sees the same batches.
 */
public final class TrainData {
    private final String corpusName;
    private final String tokenizerId;
    private final LmVocabulary vocabulary;
    private final int[] trainLm, trainCanon, validLm, validCanon, validRaw;
    private final int trainDocs, validDocs;

    private TrainData(String corpusName, String tokenizerId, LmVocabulary vocabulary, int[] trainLm, int[] trainCanon,
                      int[] validLm, int[] validCanon, int[] validRaw, int trainDocs, int validDocs) {
        this.corpusName = corpusName;
        this.tokenizerId = tokenizerId;
        this.vocabulary = vocabulary;
        this.trainLm = trainLm;
        this.trainCanon = trainCanon;
        this.validLm = validLm;
        this.validCanon = validCanon;
        this.validRaw = validRaw;
        this.trainDocs = trainDocs;
        this.validDocs = validDocs;
    }

    public static TrainData prepare(TextCorpus corpus, TextTokenizer tokenizer, CanonicalMap canonical, int vocabSize,
                                    int validEvery, LmVocabulary existingVocabulary) {
        IntList train = new IntList(1 << 20), valid = new IntList(1 << 16);
        int[] newline = tokenizer.encode("\n");
        List<String> docs = corpus.documents();
        int nTrain = 0, nValid = 0;
        for (int i = 0; i < docs.size(); i++) {
            boolean held = validEvery > 0 && i % validEvery == validEvery - 1;
            IntList dst = held ? valid : train;
            if (held) nValid++; else nTrain++;
            dst.addAll(tokenizer.encode(docs.get(i)));
            dst.addAll(newline);
        }
        int[] trainIds = train.toArray(), validIds = valid.toArray();
        LmVocabulary vocab = existingVocabulary != null ? existingVocabulary : LmVocabulary.build(trainIds, vocabSize);
        return new TrainData(corpus.name(), tokenizer.id(), vocab, vocab.compactAll(trainIds), canonicalize(canonical, trainIds),
                vocab.compactAll(validIds), canonicalize(canonical, validIds), validIds, nTrain, nValid);
    }

    private static int[] canonicalize(CanonicalMap map, int[] ids) {
        int[] out = new int[ids.length];
        int n = map.oldVocabSize();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= n) throw new IllegalArgumentException("token id " + id + " outside the canonical map's " + n + " ids");
            out[i] = map.map(id);
        }
        return out;
    }

    public String corpusName() { return corpusName; }

    /** Tokenizer ids of the held-out split, {@code [from, from+len)} (prompts for serving benchmarks). */
    public int[] validTokenizerIds(int from, int len) { return java.util.Arrays.copyOfRange(validRaw, from, from + len); }

    /** Canonical ids of the training split (read-only: the placement counts rows over it). */
    public int[] trainCanonical() { return trainCanon; }
    public String tokenizerId() { return tokenizerId; }
    public LmVocabulary vocabulary() { return vocabulary; }
    public int trainTokens() { return trainLm.length; }
    public int validTokens() { return validLm.length; }
    public int trainDocuments() { return trainDocs; }

    /** Share of training tokens inside the LM vocabulary (the rest predict the unknown id). */
    public double trainCoverage() {
        long known = 0;
        for (int t : trainLm) if (t != LmVocabulary.UNKNOWN) known++;
        return trainLm.length == 0 ? 0 : (double) known / trainLm.length;
    }
    public int validDocuments() { return validDocs; }

    /**
     * Fills a training batch of {@code batch} windows of {@code len} tokens drawn for {@code step}:
     * {@code inputs}/{@code targets} hold LM ids (targets shifted by one), {@code hashTokens} the
     * canonical ids of the inputs.
     */
    public void trainBatch(long seed, long step, int batch, int len, int[] inputs, int[] hashTokens, int[] targets) {
        if (trainLm.length < len + 2) throw new IllegalStateException("training split has only " + trainLm.length + " tokens");
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        for (int b = 0; b < batch; b++) {
            int start = rnd.nextInt(trainLm.length - len - 1);
            copyWindow(trainLm, trainCanon, start, b * len, len, inputs, hashTokens, targets);
        }
    }

    /** Number of non-overlapping validation windows of {@code len} tokens. */
    public int validWindows(int len) { return Math.max(0, (validLm.length - 1) / len); }

    /** Validation window {@code w} (non-overlapping, in order) into slot {@code slot} of the batch arrays. */
    public void validWindow(int w, int slot, int len, int[] inputs, int[] hashTokens, int[] targets) {
        copyWindow(validLm, validCanon, w * len, slot * len, len, inputs, hashTokens, targets);
    }

    private static void copyWindow(int[] lm, int[] canon, int start, int at, int len, int[] inputs, int[] hashTokens, int[] targets) {
        System.arraycopy(lm, start, inputs, at, len);
        System.arraycopy(canon, start, hashTokens, at, len);
        System.arraycopy(lm, start + 1, targets, at, len);
    }

    /** Growable int array without boxing. */
    static final class IntList {
        private int[] a;
        private int n;
        IntList(int cap) { a = new int[cap]; }
        void addAll(int[] v) {
            if (n + v.length > a.length) a = java.util.Arrays.copyOf(a, Math.max(n + v.length, a.length * 2));
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }
        int[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
