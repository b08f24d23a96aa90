package io.engramstream.model.memory;

/**
 * Maps a token window to the table rows each position reads: for every Engram layer, every
 * position and every (order, head) one row key. Layout of {@code out}:
 * {@code out[(layerIndex*len + t)*headsPerLayer() + j]}, the layout of the spec's
 * {@code NgramHasher.hashRowKeys}. Positions before the window's start count as padding.
 */
public interface RowAddresser {
    int numLayers();

    /** (maxNgram-1) * headsPerNgram. */
    int headsPerLayer();

    void rowKeys(int[] tokens, int off, int len, long[] out);
}
