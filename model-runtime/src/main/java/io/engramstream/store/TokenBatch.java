package io.engramstream.store;

import java.util.Arrays;

/**
 * A batch of {@code batchSize} token sequences of {@code seqLen} canonical token ids each, stored
 * row-major in one array. The store hashes each sequence on its own: n-grams never span two
 * sequences, and position 0 of each sequence sees the spec's padding before it.
 */
public final class TokenBatch {
    private final int batchSize;
    private final int seqLen;
    private final int[] tokens;

    private TokenBatch(int batchSize, int seqLen, int[] tokens) {
        if (batchSize <= 0 || seqLen <= 0) throw new IllegalArgumentException("a batch needs at least one token");
        if ((long) batchSize * seqLen != tokens.length) {
            throw new IllegalArgumentException("batch " + batchSize + " x " + seqLen + " does not match " + tokens.length + " tokens");
        }
        this.batchSize = batchSize;
        this.seqLen = seqLen;
        this.tokens = tokens;
    }

    /** Wraps (does not copy) {@code tokens}, row-major {@code [batchSize, seqLen]}. */
    public static TokenBatch wrap(int batchSize, int seqLen, int[] tokens) {
        return new TokenBatch(batchSize, seqLen, tokens);
    }

    /** Copies equally long sequences into a batch. */
    public static TokenBatch of(int[]... sequences) {
        if (sequences.length == 0) throw new IllegalArgumentException("a batch needs at least one sequence");
        int len = sequences[0].length;
        int[] t = new int[sequences.length * len];
        for (int b = 0; b < sequences.length; b++) {
            if (sequences[b].length != len) throw new IllegalArgumentException("sequences of a batch must have equal length");
            System.arraycopy(sequences[b], 0, t, b * len, len);
        }
        return new TokenBatch(sequences.length, len, t);
    }

    public int batchSize() { return batchSize; }
    public int seqLen() { return seqLen; }
    public int tokenCount() { return tokens.length; }
    /** The tokens, row-major; not a copy. */
    public int[] tokens() { return tokens; }
    public int token(int b, int t) { return tokens[b * seqLen + t]; }

    /** Same shape and tokens (how a lookup finds the prefetch staged for it). */
    public boolean sameTokens(TokenBatch o) {
        return o == this || (o.batchSize == batchSize && o.seqLen == seqLen && Arrays.equals(o.tokens, tokens));
    }
}
