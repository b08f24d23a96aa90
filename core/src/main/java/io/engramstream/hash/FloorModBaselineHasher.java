package io.engramstream.hash;

import io.engramstream.spec.EngramSpec;

/**
 * The benchmark's named baseline: a straightforward Java port of the reference loop, one
 * (layer, position, order) at a time, the mix rebuilt from the tokens with a pad check per
 * term, and {@link Math#floorMod(long, long)} (a hardware 64-bit division) per head. Same
 * output layout as {@link NgramHasher#hash(int[], int, int, int[])}.
 */
public final class FloorModBaselineHasher {
    private final int numLayers, maxNgram, headsPerNgram, headsPerLayer;
    private final long pad;
    private final long[][] multipliers, primes;

    public FloorModBaselineHasher(EngramSpec spec) {
        numLayers = spec.numLayers();
        maxNgram = spec.maxNgram();
        headsPerNgram = spec.headsPerNgram();
        headsPerLayer = spec.headsPerLayer();
        pad = spec.padId();
        multipliers = new long[numLayers][];
        primes = new long[numLayers][];
        for (int li = 0; li < numLayers; li++) {
            multipliers[li] = spec.multipliers(li);
            primes[li] = spec.primes(li);
        }
    }

    public void hash(int[] tokens, int off, int len, int[] out) {
        for (int li = 0; li < numLayers; li++) {
            long[] m = multipliers[li];
            long[] p = primes[li];
            for (int t = 0; t < len; t++) {
                int o = (li * len + t) * headsPerLayer;
                for (int n = 2; n <= maxNgram; n++) {
                    long mix = 0;
                    for (int k = 0; k < n; k++) {
                        long x = t - k >= 0 ? tokens[off + t - k] : pad;
                        mix ^= x * m[k];
                    }
                    for (int h = 0; h < headsPerNgram; h++) {
                        int j = (n - 2) * headsPerNgram + h;
                        out[o + j] = (int) Math.floorMod(mix, p[j]);
                    }
                }
            }
        }
    }
}
