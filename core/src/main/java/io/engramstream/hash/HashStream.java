package io.engramstream.hash;

import io.engramstream.spec.RowKey;
import java.util.Arrays;

/**
 * Hashes one document that arrives in chunks. It carries the last {@code maxNgram - 1} tokens
 * across chunks, so hashing a document chunk by chunk yields exactly the ids of hashing it
 * whole. Each chunk's output uses the chunk's own length:
 * {@code out[(layerIndex*len + t)*headsPerLayer + j]}. Allocation-free after construction.
 */
public final class HashStream {
    private final NgramHasher h;
    private final int hist;
    /** {@code [history (hist) | block tokens (BLOCK)]}: the mixes read back without bound checks on the pad. */
    private final int[] window;
    /** {@code [(n-2)*BLOCK + t]}: the XOR mix of order n at block position t. */
    private final long[] mix;

    HashStream(NgramHasher hasher) {
        this.h = hasher;
        this.hist = hasher.maxNgram - 1;
        this.window = new int[hist + NgramHasher.BLOCK];
        this.mix = new long[hist * NgramHasher.BLOCK];
        reset();
    }

    /** Starts a new document: the history becomes the pad id. */
    public void reset() {
        Arrays.fill(window, 0, hist, (int) h.padId);
    }

    /** Bucket ids of the next chunk. */
    public void hashChunk(int[] tokens, int off, int len, int[] out) {
        h.checkRange(tokens.length, off, len, out.length);
        run(tokens, off, len, out, null);
    }

    /** {@link RowKey}s of the next chunk. */
    public void hashChunkRowKeys(int[] tokens, int off, int len, long[] out) {
        if (!h.rowKeysFit) throw new IllegalStateException("layer tables exceed RowKey's 48-bit row range");
        h.checkRange(tokens.length, off, len, out.length);
        run(tokens, off, len, null, out);
    }

    private void run(int[] tokens, int off, int len, int[] outIds, long[] outKeys) {
        final int J = h.headsPerLayer;
        final int H = h.headsPerNgram;
        for (int bs = 0; bs < len; bs += NgramHasher.BLOCK) {
            int blen = Math.min(NgramHasher.BLOCK, len - bs);
            System.arraycopy(tokens, off + bs, window, hist, blen);
            for (int li = 0; li < h.numLayers; li++) {
                computeMixes(li, blen);
                for (int j = 0; j < J; j++) {
                    int pj = li * J + j;
                    int mixBase = (j / H) * NgramHasher.BLOCK;
                    int o = (li * len + bs) * J + j;
                    if (outIds != null) {
                        modInts(mix, mixBase, blen, h.primes[pj], h.magics[pj], h.shifts[pj], outIds, o, J);
                    } else {
                        long keyBase = ((long) li << RowKey.ROW_BITS) + h.headOffsets[li * (J + 1) + j];
                        modKeys(mix, mixBase, blen, h.primes[pj], h.magics[pj], h.shifts[pj], keyBase, outKeys, o, J);
                    }
                }
            }
            // The last hist tokens seen become the next block's history (memmove semantics).
            System.arraycopy(window, blen, window, 0, hist);
        }
    }

    /** Cumulative XOR mixes of one layer for one block: order n reuses order n-1's mix. */
    private void computeMixes(int li, int blen) {
        final long[] m = h.multipliers;
        final int mb = li * h.maxNgram;
        final long m0 = m[mb];
        final int B = NgramHasher.BLOCK;
        final int[] w = window;
        final long[] mx = mix;
        if (hist == 2) {
            final long m1 = m[mb + 1], m2 = m[mb + 2];
            for (int t = 0; t < blen; t++) {
                long a = w[t + 2] * m0 ^ w[t + 1] * m1;
                mx[t] = a;
                mx[B + t] = a ^ w[t] * m2;
            }
            return;
        }
        for (int t = 0; t < blen; t++) {
            long acc = w[hist + t] * m0;
            for (int k = 1; k <= hist; k++) {
                acc ^= w[hist + t - k] * m[mb + k];
                mx[(k - 1) * B + t] = acc;
            }
        }
    }

    private static void modInts(long[] mix, int mixBase, int blen, long p, long magic, int shift,
                                int[] out, int o, int stride) {
        for (int t = 0; t < blen; t++, o += stride) {
            long x = mix[mixBase + t];
            long sign = x >> 63;
            long y = x ^ sign;
            long q = ((Math.multiplyHigh(y, magic) + y) >>> shift) ^ sign;
            out[o] = (int) (x - q * p);
        }
    }

    private static void modKeys(long[] mix, int mixBase, int blen, long p, long magic, int shift,
                                long keyBase, long[] out, int o, int stride) {
        for (int t = 0; t < blen; t++, o += stride) {
            long x = mix[mixBase + t];
            long sign = x >> 63;
            long y = x ^ sign;
            long q = ((Math.multiplyHigh(y, magic) + y) >>> shift) ^ sign;
            out[o] = keyBase + (x - q * p);
        }
    }
}
