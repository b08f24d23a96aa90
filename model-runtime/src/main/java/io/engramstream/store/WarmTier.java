package io.engramstream.store;

import java.nio.ByteBuffer;

/**
 * A placement's warm rows in host off-heap memory, in the table's stored format, in chunks of at
 * most 1 GiB (a Java buffer holds at most 2 GiB). Slot {@code i} holds the i-th warm key of the
 * placement.
 */
final class WarmTier implements AutoCloseable {
    private static final long CHUNK_BYTES = 1L << 30;

    private final RowFormat format;
    private final int dim;
    private final int rowBytes;
    private final int rows;
    private final int rowsPerChunk;
    private final ByteBuffer[] chunks;

    WarmTier(int rows, StoreLayout layout) {
        this.format = layout.format();
        this.dim = layout.dim();
        this.rowBytes = layout.rowBytes();
        this.rows = rows;
        this.rowsPerChunk = (int) Math.max(1, CHUNK_BYTES / rowBytes);
        int n = rows == 0 ? 0 : (rows + rowsPerChunk - 1) / rowsPerChunk;
        chunks = new ByteBuffer[n];
        for (int c = 0; c < n; c++) {
            int r = Math.min(rowsPerChunk, rows - c * rowsPerChunk);
            chunks[c] = RowCopy.allocate((long) r * rowBytes);
        }
    }

    int rows() { return rows; }
    long bytes() { return (long) rows * rowBytes; }

    /** Copies the cold table's current value of {@code globalRow} into {@code slot}. */
    void loadFrom(ColdTable cold, long globalRow, int slot) {
        int c = slot / rowsPerChunk;
        cold.copyStoredRow(globalRow, chunks[c], (slot - c * rowsPerChunk) * rowBytes);
    }

    /** Copies slot {@code slot}, converted to the device format, into {@code dst} at {@code dstOff}. */
    void copyDeviceRow(int slot, ByteBuffer dst, int dstOff) {
        int c = slot / rowsPerChunk;
        RowCopy.storedToDevice(chunks[c], (slot - c * rowsPerChunk) * rowBytes, dst, dstOff, dim, format);
    }

    @Override public void close() {
        for (int c = 0; c < chunks.length; c++) {
            DirectMemory.free(chunks[c]);
            chunks[c] = null;
        }
    }
}
