package io.engramstream.model.memory;

import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;

/** Row addressing by the spec's N-gram hashing (canonical token ids in, row keys out). One per thread. */
public final class SpecAddresser implements RowAddresser {
    private final EngramSpec spec;
    private final NgramHasher hasher;

    public SpecAddresser(EngramSpec spec) {
        this.spec = spec;
        this.hasher = new NgramHasher(spec);
    }

    public EngramSpec spec() { return spec; }

    @Override public int numLayers() { return spec.numLayers(); }
    @Override public int headsPerLayer() { return spec.headsPerLayer(); }
    @Override public void rowKeys(int[] tokens, int off, int len, long[] out) { hasher.hashRowKeys(tokens, off, len, out); }

    /** Rows per layer of the spec's tables, for sizing a flat table. */
    public static long[] rowsPerLayer(EngramSpec spec) {
        long[] r = new long[spec.numLayers()];
        for (int l = 0; l < r.length; l++) r[l] = spec.rowsPerLayer(l);
        return r;
    }
}
