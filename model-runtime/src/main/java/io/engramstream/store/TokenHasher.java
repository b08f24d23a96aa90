package io.engramstream.store;

/**
 * Turns a sequence of (canonical) token ids into RowKeys, laid out as
 * {@code out[(layerIndex * len + t) * headsPerLayer + j]}: the contract of
 * {@code io.engramstream.hash.NgramHasher#hashRowKeys}, which is what the store uses for a spec.
 * One instance per thread; the store asks its factory for one per workspace.
 */
@FunctionalInterface
public interface TokenHasher {
    void hashRowKeys(int[] tokens, int off, int len, long[] out);
}
