package io.engramstream.hash;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Everything the hash function needs, already derived: per layer the multipliers
 * ({@code maxNgram} of them) and one prime per head ({@code (maxNgram-1) * heads}, ordered by
 * order then head), and the pad id. Unlike {@link io.engramstream.spec.EngramSpec} it is not
 * validated for storage limits (primes may exceed {@code int}), so golden-vector checks can
 * build one for any reference configuration.
 */
public final class NgramHashParams implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int maxNgram;
    private final int headsPerNgram;
    private final long padId;
    private final long[][] multipliers;
    private final long[][] primes;

    public NgramHashParams(int maxNgram, int headsPerNgram, long padId, long[][] multipliers, long[][] primes) {
        if (maxNgram < 2) throw new IllegalArgumentException("max n-gram order must be >= 2, got " + maxNgram);
        if (headsPerNgram < 1) throw new IllegalArgumentException("heads per order must be >= 1, got " + headsPerNgram);
        if (multipliers.length != primes.length || multipliers.length == 0) {
            throw new IllegalArgumentException("need multipliers and primes for the same (non-zero) number of layers");
        }
        int headsPerLayer = (maxNgram - 1) * headsPerNgram;
        this.multipliers = new long[multipliers.length][];
        this.primes = new long[primes.length][];
        for (int li = 0; li < multipliers.length; li++) {
            if (multipliers[li].length != maxNgram) throw new IllegalArgumentException("layer " + li + ": need " + maxNgram + " multipliers");
            if (primes[li].length != headsPerLayer) throw new IllegalArgumentException("layer " + li + ": need " + headsPerLayer + " primes");
            for (long p : primes[li]) if (p < 2) throw new IllegalArgumentException("layer " + li + ": table size must be >= 2, got " + p);
            this.multipliers[li] = multipliers[li].clone();
            this.primes[li] = primes[li].clone();
        }
        this.maxNgram = maxNgram;
        this.headsPerNgram = headsPerNgram;
        this.padId = padId;
    }

    public int numLayers() { return multipliers.length; }
    public int maxNgram() { return maxNgram; }
    public int headsPerNgram() { return headsPerNgram; }
    public int headsPerLayer() { return (maxNgram - 1) * headsPerNgram; }
    public long padId() { return padId; }
    public long[] multipliers(int layerIndex) { return multipliers[layerIndex].clone(); }
    public long[] primes(int layerIndex) { return primes[layerIndex].clone(); }

    /** True when every bucket fits an {@code int} (every prime <= Integer.MAX_VALUE). */
    public boolean bucketsFitInt() {
        for (long[] ps : primes) for (long p : ps) if (p > Integer.MAX_VALUE) return false;
        return true;
    }

    @Override public boolean equals(Object o) {
        return o instanceof NgramHashParams p && maxNgram == p.maxNgram && headsPerNgram == p.headsPerNgram
                && padId == p.padId && Arrays.deepEquals(multipliers, p.multipliers) && Arrays.deepEquals(primes, p.primes);
    }

    @Override public int hashCode() {
        return Arrays.deepHashCode(multipliers) * 31 + Arrays.deepHashCode(primes);
    }
}
