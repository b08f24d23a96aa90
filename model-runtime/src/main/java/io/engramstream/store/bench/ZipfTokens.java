package io.engramstream.store.bench;

import java.util.SplittableRandom;

/**
 * Token ids drawn i.i.d. from a Zipf law over {@code vocab} ids: id {@code k} (0-based rank) has
 * probability proportional to {@code 1/(k+1)^s}. Inverse-CDF sampling by binary search over the
 * cumulative weights; the benchmark's stand-in for text, whose token frequencies follow Zipf.
 */
public final class ZipfTokens {
    private final double[] cdf;
    private final SplittableRandom random;

    public ZipfTokens(int vocab, double exponent, long seed) {
        cdf = new double[vocab];
        double sum = 0;
        for (int k = 0; k < vocab; k++) {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cdf[k] = sum;
        }
        for (int k = 0; k < vocab; k++) cdf[k] /= sum;
        random = new SplittableRandom(seed);
    }

    public int next() {
        double u = random.nextDouble();
        int lo = 0, hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public void fill(int[] out) {
        for (int i = 0; i < out.length; i++) out[i] = next();
    }
}
