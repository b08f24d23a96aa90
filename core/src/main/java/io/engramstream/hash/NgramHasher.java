package io.engramstream.hash;

import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;

/**
 * Hashes token sequences into Engram bucket ids for every (layer, order, head), bit for bit as
 * the reference's {@code NgramHashMapping._get_ngram_hashes}: for order {@code n} at position
 * {@code t}, {@code mix = x[t]*m[0] ^ x[t-1]*m[1] ^ ... ^ x[t-n+1]*m[n-1]} in wrapping int64
 * arithmetic (positions before the start read the pad id), bucket = floor-mod of {@code mix}
 * by the head's prime.
 *
 * <p>Output layout for a sequence of {@code len} tokens:
 * {@code out[(layerIndex*len + t)*headsPerLayer + j]}, flat head {@code j = (n-2)*headsPerNgram + h}.
 *
 * <p>Hot path: allocation-free after construction (the scratch buffers live in the
 * {@link HashStream}s). Per block of tokens and layer the XOR mixes are computed once per
 * (position, order) and then each head sweeps them with its own constants held in registers;
 * the reduction is {@link FastMod} (a multiply-high reciprocal, no hardware division). Not
 * thread-safe: use one hasher (or one stream) per thread.
 */
public final class NgramHasher {
    /** Tokens per block: the mixes of a block (orders x BLOCK longs) stay in L1/L2 while heads sweep them. */
    static final int BLOCK = 256;

    final int numLayers;
    final int maxNgram;
    final int headsPerNgram;
    final int headsPerLayer;
    final long padId;
    /** {@code [li*maxNgram + k]}. */
    final long[] multipliers;
    /** {@code [li*headsPerLayer + j]}. */
    final long[] primes;
    final long[] magics;
    final int[] shifts;
    /** {@code [li*(headsPerLayer+1) + j]}: first row of head j inside the layer's table. */
    final long[] headOffsets;
    final boolean bucketsFitInt;
    final boolean rowKeysFit;
    private final HashStream whole;

    public NgramHasher(EngramSpec spec) {
        this(spec.hashParams());
    }

    public NgramHasher(NgramHashParams params) {
        this.numLayers = params.numLayers();
        this.maxNgram = params.maxNgram();
        this.headsPerNgram = params.headsPerNgram();
        this.headsPerLayer = params.headsPerLayer();
        this.padId = params.padId();
        this.multipliers = new long[numLayers * maxNgram];
        this.primes = new long[numLayers * headsPerLayer];
        this.magics = new long[primes.length];
        this.shifts = new int[primes.length];
        this.headOffsets = new long[numLayers * (headsPerLayer + 1)];
        boolean keysFit = numLayers <= 0x7FFF;
        for (int li = 0; li < numLayers; li++) {
            System.arraycopy(params.multipliers(li), 0, multipliers, li * maxNgram, maxNgram);
            long[] ps = params.primes(li);
            long offset = 0;
            for (int j = 0; j < headsPerLayer; j++) {
                int pj = li * headsPerLayer + j;
                primes[pj] = ps[j];
                magics[pj] = FastMod.magicFor(ps[j]);
                shifts[pj] = FastMod.shiftFor(ps[j]);
                headOffsets[li * (headsPerLayer + 1) + j] = offset;
                offset += ps[j];
                if (offset < 0 || offset > RowKey.MAX_ROWS_PER_LAYER) keysFit = false;
            }
            headOffsets[li * (headsPerLayer + 1) + headsPerLayer] = offset;
        }
        this.bucketsFitInt = params.bucketsFitInt();
        this.rowKeysFit = keysFit;
        this.whole = bucketsFitInt && padId == (int) padId ? new HashStream(this) : null;
    }

    public int numLayers() { return numLayers; }
    public int maxNgram() { return maxNgram; }
    public int headsPerLayer() { return headsPerLayer; }

    /** Output slots for a sequence of {@code len} tokens: {@code numLayers * len * headsPerLayer}. */
    public long outputLength(int len) { return (long) numLayers * len * headsPerLayer; }

    /** Hashes one whole document (history = pad) into bucket ids. */
    public void hash(int[] tokens, int off, int len, int[] out) {
        requireIntPath().reset();
        whole.hashChunk(tokens, off, len, out);
    }

    /** Hashes one whole document into {@link RowKey}s: {@code RowKey.of(layerIndex, headOffset[j] + bucket)}. */
    public void hashRowKeys(int[] tokens, int off, int len, long[] out) {
        requireIntPath().reset();
        whole.hashChunkRowKeys(tokens, off, len, out);
    }

    /** A stream for one document arriving in chunks; allocates its scratch buffers once, here. */
    public HashStream newStream() {
        requireIntPath();
        return new HashStream(this);
    }

    private HashStream requireIntPath() {
        if (whole == null) {
            throw new IllegalStateException("buckets or the pad id do not fit an int: use hash(long[], int, int, long[])");
        }
        return whole;
    }

    /**
     * The general path: 64-bit token ids (any value, as the reference passes them through,
     * negative and out-of-vocabulary included) and 64-bit buckets (any prime). Same layout as
     * {@link #hash(int[], int, int, int[])}. Allocates; meant for checks, not hot loops.
     */
    public void hash(long[] tokens, int off, int len, long[] out) {
        checkRange(tokens.length, off, len, out.length);
        int hist = maxNgram - 1;
        long[] w = new long[hist + len];
        java.util.Arrays.fill(w, 0, hist, padId);
        System.arraycopy(tokens, off, w, hist, len);
        long[] mix = new long[hist];
        for (int li = 0; li < numLayers; li++) {
            int mb = li * maxNgram;
            for (int t = 0; t < len; t++) {
                long acc = w[hist + t] * multipliers[mb];
                for (int k = 1; k <= hist; k++) {
                    acc ^= w[hist + t - k] * multipliers[mb + k];
                    mix[k - 1] = acc;
                }
                int o = (li * len + t) * headsPerLayer;
                for (int j = 0; j < headsPerLayer; j++) {
                    int pj = li * headsPerLayer + j;
                    out[o + j] = FastMod.floorMod(mix[j / headsPerNgram], primes[pj], magics[pj], shifts[pj]);
                }
            }
        }
    }

    /** Convenience for the general path: a fresh output array. */
    public long[] hash(long[] tokens) {
        long n = outputLength(tokens.length);
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("sequence too long for one output array: " + tokens.length);
        long[] out = new long[(int) n];
        hash(tokens, 0, tokens.length, out);
        return out;
    }

    void checkRange(int tokensLength, int off, int len, int outLength) {
        if (off < 0 || len < 0 || off > tokensLength - len) {
            throw new IndexOutOfBoundsException("tokens [" + off + ", " + off + "+" + len + ") outside an array of " + tokensLength);
        }
        if (outputLength(len) > outLength) {
            throw new IndexOutOfBoundsException("output needs " + outputLength(len) + " slots, array has " + outLength);
        }
    }
}
