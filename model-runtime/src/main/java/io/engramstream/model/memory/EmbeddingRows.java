package io.engramstream.model.memory;

import java.io.IOException;

/**
 * Row-addressed embedding memory that the Engram layers read from and train into. Rows are
 * named by {@link io.engramstream.spec.RowKey} ({@code layerIndex<<48 | row}); every row has
 * {@link #dim()} floats. Reads and writes move whole rows between the table and a caller's
 * {@code float[]}, so any tiering (device, host, disk) stays behind this interface and the
 * model sees the same values whatever the backing.
 */
public interface EmbeddingRows extends AutoCloseable {
    /** Floats per row (the spec's embedding dimension per head). */
    int dim();

    /** Copies rows {@code keys[off..off+count)} into {@code dst[dstOff + i*dim ...]}, in order. */
    void read(long[] keys, int off, int count, float[] dst, int dstOff);

    /** Replaces rows {@code keys[off..off+count)} with {@code src[srcOff + i*dim ...]}; keys are distinct. */
    void write(long[] keys, int off, int count, float[] src, int srcOff);

    /**
     * Retrieves the memory of a whole batch of canonical token windows in one call, when the
     * backing has a faster path than row-by-row reads (the tiered store gathers its hot rows on
     * the device): one array {@code (batch, len, headsPerLayer*dim)} per layer, or null to let the
     * caller gather with {@link #read}.
     */
    default ai.djl.ndarray.NDArray[] lookup(ai.djl.ndarray.NDManager manager, int[] tokens, int batch, int len) { return null; }

    /** Lookups per tier so far, for tiered backings; null otherwise. */
    default TierCounts tierCounts() { return null; }

    /** Makes every write so far durable in the backing tiers (no-op for memory-only tables). */
    default void flush() throws IOException {}

    /** A short description for logs, e.g. "flat in-memory, 2 layers x 65,000 rows x 16". */
    String describe();

    @Override default void close() throws IOException {}
}
