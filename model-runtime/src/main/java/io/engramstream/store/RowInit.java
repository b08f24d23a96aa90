package io.engramstream.store;

/**
 * Seeded initial values for a table trained from scratch. Element {@code (layer, row, e)} depends
 * only on {@code (seed, layer, row, e)}: rows can be initialised in any order, in parallel, and
 * recomputed later. Values are approximately normal with standard deviation {@code std}: the sum of
 * four uniforms (Irwin-Hall), centred and scaled, which is bounded at +-3.46 std like a truncated
 * normal and costs one 64-bit mix per element instead of a log and a sine.
 */
public final class RowInit {
    private static final float SCALE = (float) (Math.sqrt(3.0) / 65536.0);

    private RowInit() {}

    public static void fill(long seed, int layerIndex, long row, float std, float[] dst, int off, int dim) {
        long state = mix64(seed ^ mix64(((long) layerIndex << 48) ^ row ^ 0x5DEECE66DL));
        for (int e = 0; e < dim; e++) {
            state += 0x9E3779B97F4A7C15L;
            long z = mix64(state);
            // four 16-bit uniforms; sum in [0, 4*65535], mean 2*65535.5, variance 4*(65536^2-1)/12
            long s = (z & 0xFFFF) + ((z >>> 16) & 0xFFFF) + ((z >>> 32) & 0xFFFF) + (z >>> 48);
            dst[off + e] = (float) ((s - 131071.0) * SCALE) * std;
        }
    }

    /** SplitMix64's finaliser. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
