package io.engramstream.model.memory;

import io.engramstream.spec.RowKey;
import io.engramstream.store.RowInit;

/**
 * The initial value of every table row as a pure function of (seed, row key), the same function
 * the tiered store's cold table is created with ({@link RowInit}: approximately normal with
 * standard deviation {@code std}). Any backing (a flat array, a cold file) therefore starts
 * bit-identical, which is what lets a run on the tiered store reproduce a run on a flat table
 * exactly, and lets a checkpoint store only the rows training changed.
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
        RowInit.fill(seed, RowKey.layerIndex(key), RowKey.row(key), std, dst, off, dim);
    }
}
