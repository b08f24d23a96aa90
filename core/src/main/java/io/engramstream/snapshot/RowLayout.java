package io.engramstream.snapshot;

import io.engramstream.spec.RowKey;
import java.util.Arrays;
import java.util.List;

/**
 * How a layer's table is cut into per-(order, head) segments: the head offsets of every layer
 * (prefix sums of the head primes), so a row id decodes to (order, head, bucket) and back. This
 * is the part of an {@code EngramSpec} that snapshots need, as plain arrays so that placement and
 * snapshot code do not depend on how the spec is loaded.
 *
 * <p>Flat head {@code j} inside a layer is {@code (order - 2) * headsPerNgram + head}; row
 * {@code headOffsets[layer][j] + bucket}. Decoding is a binary search over a few offsets and
 * allocates nothing.
 */
public final class RowLayout implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] layerIds;
    private final int headsPerNgram;
    private final long[][] headOffsets;

    /**
     * @param layerIds      the spec's layer ids, in spec order (index i is RowKey layer index i)
     * @param headsPerNgram heads per N-gram order
     * @param headOffsets   per layer index, {@code headsPerLayer + 1} ascending offsets starting at 0
     */
    public RowLayout(List<Integer> layerIds, int headsPerNgram, long[][] headOffsets) {
        if (layerIds.size() != headOffsets.length) throw new IllegalArgumentException("one head-offset array per layer expected");
        if (headsPerNgram <= 0) throw new IllegalArgumentException("headsPerNgram must be positive");
        this.layerIds = layerIds.stream().mapToInt(Integer::intValue).toArray();
        this.headsPerNgram = headsPerNgram;
        this.headOffsets = new long[headOffsets.length][];
        for (int l = 0; l < headOffsets.length; l++) {
            long[] o = headOffsets[l].clone();
            if (o.length < 2 || o[0] != 0 || (o.length - 1) % headsPerNgram != 0)
                throw new IllegalArgumentException("layer " + l + ": head offsets must start at 0 and cover whole orders");
            for (int j = 1; j < o.length; j++) if (o[j] <= o[j - 1]) throw new IllegalArgumentException("layer " + l + ": head offsets must ascend");
            if (o[o.length - 1] > RowKey.MAX_ROWS_PER_LAYER) throw new IllegalArgumentException("layer " + l + " too large");
            this.headOffsets[l] = o;
        }
    }

    /** The layout of a spec's tables. */
    public static RowLayout of(io.engramstream.spec.EngramSpec spec) {
        long[][] offs = new long[spec.numLayers()][];
        for (int l = 0; l < offs.length; l++) offs[l] = spec.headOffsets(l);
        return new RowLayout(spec.layerIds(), spec.headsPerNgram(), offs);
    }

    /** A layout with equal head sizes, handy for tests and synthetic benchmarks. */
    public static RowLayout uniform(int numLayers, int maxNgram, int headsPerNgram, long rowsPerHead) {
        int heads = (maxNgram - 1) * headsPerNgram;
        long[][] offs = new long[numLayers][heads + 1];
        Integer[] ids = new Integer[numLayers];
        for (int l = 0; l < numLayers; l++) {
            ids[l] = l;
            for (int j = 0; j <= heads; j++) offs[l][j] = j * rowsPerHead;
        }
        return new RowLayout(Arrays.asList(ids), headsPerNgram, offs);
    }

    public int numLayers() { return layerIds.length; }
    public int layerId(int layerIndex) { return layerIds[layerIndex]; }
    public List<Integer> layerIds() { return Arrays.stream(layerIds).boxed().toList(); }
    public int headsPerNgram() { return headsPerNgram; }
    public int headsPerLayer() { return headOffsets[0].length - 1; }
    public long[] headOffsets(int layerIndex) { return headOffsets[layerIndex].clone(); }
    public long rowsPerLayer(int layerIndex) { long[] o = headOffsets[layerIndex]; return o[o.length - 1]; }

    public long totalRows() {
        long t = 0;
        for (int l = 0; l < layerIds.length; l++) t += rowsPerLayer(l);
        return t;
    }

    /** Flat head index j of a row inside its layer. */
    public int flatHead(int layerIndex, long row) {
        long[] o = headOffsets[layerIndex];
        if (row < 0 || row >= o[o.length - 1]) throw new IllegalArgumentException("row " + row + " outside layer " + layerIndex);
        int lo = 0, hi = o.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (o[mid] <= row) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /** {@code headOffsets[layerIndex][flatHead]} without copying (for hot loops). */
    public long headOffsetUnchecked(int layerIndex, int flatHead) { return headOffsets[layerIndex][flatHead]; }

    public int order(int layerIndex, long row) { return flatHead(layerIndex, row) / headsPerNgram + 2; }
    public int head(int layerIndex, long row) { return flatHead(layerIndex, row) % headsPerNgram; }
    public long bucket(int layerIndex, long row) { return row - headOffsets[layerIndex][flatHead(layerIndex, row)]; }

    /** The row id of (order, head, bucket) in a layer. */
    public long row(int layerIndex, int order, int head, long bucket) {
        int j = (order - 2) * headsPerNgram + head;
        return headOffsets[layerIndex][j] + bucket;
    }

    /** True when {@code key} names a row this layout has. */
    public boolean contains(long key) {
        int l = RowKey.layerIndex(key);
        return l < layerIds.length && RowKey.row(key) < rowsPerLayer(l);
    }

    @Override public boolean equals(Object o) {
        return o instanceof RowLayout r && headsPerNgram == r.headsPerNgram && Arrays.equals(layerIds, r.layerIds)
                && Arrays.deepEquals(headOffsets, r.headOffsets);
    }

    @Override public int hashCode() { return Arrays.hashCode(layerIds) * 31 + Arrays.deepHashCode(headOffsets); }
}
