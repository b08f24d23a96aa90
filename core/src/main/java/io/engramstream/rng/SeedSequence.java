package io.engramstream.rng;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * numpy's {@code SeedSequence} (pool size 4, no spawn key): turns a non-negative integer seed
 * of any size into well-mixed 32-bit words. A port of numpy's {@code bit_generator.pyx}
 * ({@code hashmix}, {@code mix}, {@code mix_entropy}, {@code generate_state}); every operation is
 * uint32 arithmetic, which Java's wrapping {@code int} arithmetic reproduces exactly.
 */
public final class SeedSequence {
    public static final int POOL_SIZE = 4;
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;
    private static final BigInteger MASK32 = BigInteger.valueOf(0xFFFFFFFFL);

    private final int[] entropyWords;
    private final int[] pool = new int[POOL_SIZE];

    /** @param entropy a non-negative integer (numpy rejects negative seeds too) */
    public SeedSequence(BigInteger entropy) {
        this.entropyWords = entropyWords(entropy);
        mixEntropy();
    }

    public SeedSequence(long entropy) {
        this(BigInteger.valueOf(entropy));
    }

    /**
     * numpy's {@code _coerce_to_uint32_array} for a Python int: little-endian 32-bit words,
     * {@code [0]} for zero.
     */
    public static int[] entropyWords(BigInteger entropy) {
        if (entropy.signum() < 0) throw new IllegalArgumentException("seed must be non-negative, got " + entropy);
        if (entropy.signum() == 0) return new int[] {0};
        int n = (entropy.bitLength() + 31) / 32;
        int[] words = new int[n];
        BigInteger v = entropy;
        for (int i = 0; i < n; i++) {
            words[i] = v.and(MASK32).intValue();
            v = v.shiftRight(32);
        }
        return words;
    }

    private void mixEntropy() {
        int[] hashConst = {INIT_A};
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = hashmix(i < entropyWords.length ? entropyWords[i] : 0, hashConst);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
            }
        }
        for (int src = POOL_SIZE; src < entropyWords.length; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                pool[dst] = mix(pool[dst], hashmix(entropyWords[src], hashConst));
            }
        }
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        value ^= value >>> XSHIFT;
        return value;
    }

    private static int mix(int x, int y) {
        int result = MIX_MULT_L * x - MIX_MULT_R * y;
        result ^= result >>> XSHIFT;
        return result;
    }

    /** The entropy as uint32 words (for tests against numpy's intermediate values). */
    public int[] entropy() { return entropyWords.clone(); }

    /** The mixed pool as uint32 words. */
    public int[] pool() { return pool.clone(); }

    /** {@code generate_state(n, uint32)}. */
    public int[] generateState32(int nWords) {
        int[] state = new int[nWords];
        int hashConst = INIT_B;
        for (int i = 0; i < nWords; i++) {
            int v = pool[i % POOL_SIZE];
            v ^= hashConst;
            hashConst *= MULT_B;
            v *= hashConst;
            v ^= v >>> XSHIFT;
            state[i] = v;
        }
        return state;
    }

    /** {@code generate_state(n, uint64)}: pairs of uint32 words read as little-endian uint64. */
    public long[] generateState64(int nWords) {
        int[] words = generateState32(2 * nWords);
        long[] out = new long[nWords];
        for (int i = 0; i < nWords; i++) {
            out[i] = (words[2 * i] & 0xFFFFFFFFL) | ((long) words[2 * i + 1] << 32);
        }
        return out;
    }

    @Override public String toString() {
        return "SeedSequence" + Arrays.toString(entropyWords);
    }
}
