package io.engramstream.hash;

import io.engramstream.rng.NumpyGenerator;
import java.math.BigInteger;

/**
 * The per-layer multipliers of the reference ({@code NgramHashMapping.__init__} in
 * {@code engram_demo_v1.py}): {@code M_max = (2^63-1) // V}, {@code half_bound = max(1, M_max // 2)},
 * and for each layer {@code r = default_rng(seed + 10007 * layer_id).integers(0, half_bound,
 * size=max_n, dtype=int64)}, multipliers {@code 2r + 1} (odd, so the multiply is a bijection mod 2^64).
 * Seeds are Python ints there, so they are {@link BigInteger} here.
 */
public final class ReferenceDerivation {
    public static final long LAYER_SEED_STRIDE = 10007;

    private ReferenceDerivation() {}

    public static long maxMultiplier(long compressedVocabSize) {
        if (compressedVocabSize < 1) throw new IllegalArgumentException("compressed vocab size must be >= 1, got " + compressedVocabSize);
        return Long.MAX_VALUE / compressedVocabSize;
    }

    public static long halfBound(long compressedVocabSize) {
        return Math.max(1, maxMultiplier(compressedVocabSize) / 2);
    }

    public static BigInteger layerSeed(BigInteger seed, long layerId) {
        return seed.add(BigInteger.valueOf(LAYER_SEED_STRIDE).multiply(BigInteger.valueOf(layerId)));
    }

    /** The drawn {@code r} values (before {@code 2r + 1}). */
    public static long[] draws(BigInteger seed, long layerId, long compressedVocabSize, int maxNgram) {
        return NumpyGenerator.defaultRng(layerSeed(seed, layerId)).integers(halfBound(compressedVocabSize), maxNgram);
    }

    /** {@code multipliers[k]} multiplies the token k positions back ({@code k = 0..maxNgram-1}). */
    public static long[] multipliers(BigInteger seed, long layerId, long compressedVocabSize, int maxNgram) {
        long[] r = draws(seed, layerId, compressedVocabSize, maxNgram);
        long[] m = new long[r.length];
        for (int k = 0; k < r.length; k++) m[k] = 2 * r[k] + 1;
        return m;
    }
}
