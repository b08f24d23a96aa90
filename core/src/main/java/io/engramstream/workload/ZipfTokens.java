package io.engramstream.workload;

import java.util.SplittableRandom;

/**
 * A reproducible Zipf-distributed token stream for benchmarks: the exact {@link ZipfSampler}
 * (rank r has probability proportional to r^-exponent, ranks mapped to ids by a fixed random
 * permutation) driven by one seeded generator.
 */
public final class ZipfTokens {
    private final ZipfSampler sampler;
    private final SplittableRandom random;
    private final int[] one = new int[1];

    public ZipfTokens(int vocabSize, double exponent, long seed) {
        this.sampler = ZipfSampler.of(vocabSize, exponent, seed);
        this.random = new SplittableRandom(seed);
    }

    public int next() {
        sampler.fill(one, 1, random);
        return one[0];
    }

    /** {@code n} fresh token ids. */
    public int[] next(int n) {
        int[] out = new int[n];
        sampler.fill(out, n, random);
        return out;
    }

    /** Fills {@code out} with token ids (no allocation). */
    public void fill(int[] out) {
        sampler.fill(out, out.length, random);
    }
}
