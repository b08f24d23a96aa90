package io.engramstream.hash;

import java.util.SplittableRandom;

/**
 * A reproducible Zipf-distributed token stream: rank r (1-based) has probability proportional
 * to {@code r^-exponent}; ranks are mapped to ids through a fixed random permutation so that
 * frequent tokens are not simply the small ids.
 */
public final class ZipfTokens {
    private final double[] cdf;
    private final int[] rankToId;
    private final SplittableRandom random;

    public ZipfTokens(int vocabSize, double exponent, long seed) {
        if (vocabSize < 1) throw new IllegalArgumentException("vocab size must be >= 1");
        this.cdf = new double[vocabSize];
        double sum = 0;
        for (int r = 0; r < vocabSize; r++) {
            sum += Math.pow(r + 1, -exponent);
            cdf[r] = sum;
        }
        for (int r = 0; r < vocabSize; r++) cdf[r] /= sum;
        this.random = new SplittableRandom(seed);
        this.rankToId = new int[vocabSize];
        for (int i = 0; i < vocabSize; i++) rankToId[i] = i;
        SplittableRandom perm = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = vocabSize - 1; i > 0; i--) {
            int j = perm.nextInt(i + 1);
            int t = rankToId[i];
            rankToId[i] = rankToId[j];
            rankToId[j] = t;
        }
    }

    public int next() {
        double u = random.nextDouble();
        int lo = 0, hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) lo = mid + 1; else hi = mid;
        }
        return rankToId[lo];
    }

    public int[] next(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = next();
        return out;
    }
}
