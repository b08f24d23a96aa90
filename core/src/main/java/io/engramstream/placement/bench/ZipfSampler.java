package io.engramstream.placement.bench;

import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with probability proportional to {@code 1/(rank+1)^alpha} by inverting a
 * precomputed CDF (binary search, no allocation per draw).
 */
public final class ZipfSampler {
    private final double[] cdf;

    public ZipfSampler(int n, double alpha) {
        if (n <= 0) throw new IllegalArgumentException("n must be positive");
        cdf = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) { s += Math.pow(i + 1, -alpha); cdf[i] = s; }
        for (int i = 0; i < n; i++) cdf[i] /= s;
        cdf[n - 1] = 1.0;
    }

    public int size() { return cdf.length; }

    /** Probability of rank {@code r}. */
    public double probability(int r) { return r == 0 ? cdf[0] : cdf[r] - cdf[r - 1]; }

    public int next(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        int lo = 0, hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] >= u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}
