package io.engramstream.model.memory;

/**
 * The initial value of every table row as a pure function of (seed, row key): N(0, std^2) from
 * a SplitMix64 stream keyed by the row. Any backing (a flat array, a tiered store that
 * materializes rows lazily on first touch) gives bit-identical rows, which is what lets a run on
 * the tiered store reproduce a run on a flat table exactly.
 */
public final class RowInitializer {
    private final long seed;
    private final float std;

    public RowInitializer(long seed, float std) {
        this.seed = seed;
        this.std = std;
    }

    public long seed() { return seed; }
    public float std() { return std; }

    /** Writes the initial value of row {@code key} into {@code dst[off..off+dim)}. Allocation-free. */
    public void fill(long key, float[] dst, int off, int dim) {
        long state = mix(seed ^ mix(key + 0x9E3779B97F4A7C15L));
        for (int i = 0; i < dim; i += 2) {
            state += 0x9E3779B97F4A7C15L;
            long a = mix(state);
            state += 0x9E3779B97F4A7C15L;
            long b = mix(state);
            // Box-Muller on two 53-bit uniforms; u1 in (0, 1] keeps the log finite.
            double u1 = ((a >>> 11) + 1) * 0x1.0p-53;
            double u2 = (b >>> 11) * 0x1.0p-53;
            double r = Math.sqrt(-2 * Math.log(u1)) * std;
            dst[off + i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < dim) dst[off + i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
        }
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
