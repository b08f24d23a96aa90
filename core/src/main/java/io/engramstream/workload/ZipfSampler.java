package io.engramstream.workload;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact Zipf sampling at table speed: rank {@code r} (1-based) has probability proportional to
 * {@code r^-s}; ranks map to token ids through a fixed random permutation. A 2^20-slot guide
 * table over the CDF answers most draws with one lookup (every slot inside one rank's mass); a
 * draw in a slot that spans several ranks finishes with a binary search inside the slot, so the
 * distribution is exact. Immutable and shared (one per vocabulary/exponent per JVM).
 */
public final class ZipfSampler {
    private static final int GUIDE_BITS = 20;
    private static final Map<String, ZipfSampler> CACHE = new ConcurrentHashMap<>();

    private final double[] cdf;
    private final int[] guideLo;
    private final int[] guideHi;
    private final int[] rankToId;

    private ZipfSampler(int vocab, double exponent, long seed) {
        cdf = new double[vocab];
        double sum = 0;
        for (int r = 0; r < vocab; r++) {
            sum += Math.pow(r + 1, -exponent);
            cdf[r] = sum;
        }
        for (int r = 0; r < vocab; r++) cdf[r] /= sum;
        cdf[vocab - 1] = 1.0;
        int slots = 1 << GUIDE_BITS;
        guideLo = new int[slots];
        guideHi = new int[slots];
        int r = 0;
        for (int i = 0; i < slots; i++) {
            double lo = (double) i / slots, hi = (double) (i + 1) / slots;
            while (cdf[r] <= lo) r++;        // first rank whose mass reaches into the slot
            int h = r;
            while (h < vocab - 1 && cdf[h] < hi) h++;
            guideLo[i] = r;
            guideHi[i] = h;
        }
        rankToId = new int[vocab];
        for (int i = 0; i < vocab; i++) rankToId[i] = i;
        SplittableRandom perm = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = vocab - 1; i > 0; i--) {
            int j = perm.nextInt(i + 1);
            int t = rankToId[i];
            rankToId[i] = rankToId[j];
            rankToId[j] = t;
        }
    }

    public static ZipfSampler of(int vocab, double exponent, long seed) {
        if (vocab < 1) throw new IllegalArgumentException("vocabulary must be >= 1");
        if (!(exponent > 0)) throw new IllegalArgumentException("Zipf exponent must be > 0");
        return CACHE.computeIfAbsent(vocab + "/" + exponent + "/" + seed, k -> new ZipfSampler(vocab, exponent, seed));
    }

    /** Fills {@code out[0, n)} with token ids drawn with {@code random} (a per-call generator). */
    public void fill(int[] out, int n, SplittableRandom random) {
        final double[] c = cdf;
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int slot = (int) (u * (1 << GUIDE_BITS));
            int lo = guideLo[slot], hi = guideHi[slot];
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (c[mid] <= u) lo = mid + 1; else hi = mid;
            }
            out[i] = rankToId[lo];
        }
    }

    public int vocabulary() { return cdf.length; }
}
