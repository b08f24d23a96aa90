package io.engramstream.store;

import java.nio.ByteBuffer;

/**
 * A placement's warm rows in host off-heap memory ({@link HostMemory}: 2 MiB pages where
 * possible), in the table's stored format, in chunks of at most 1 GiB (a Java buffer holds at
 * most 2 GiB). Slot {@code i} holds the i-th warm key of the
 * placement.
 */
final class WarmTier implements AutoCloseable {
    private static final long CHUNK_BYTES = 1L << 30;

    private final RowFormat format;
    private final int dim;
    private final int rowBytes;
    private final int rows;
    /** A power of two: a slot's chunk is a shift. */
    private final int rowsPerChunk;
    private final int chunkShift;
    private final ByteBuffer[] chunks;
    /** The chunks' addresses for raw copies, null when not available. */
    private final long[] addresses;

    WarmTier(int rows, StoreLayout layout, boolean hugePages) {
        this.format = layout.format();
        this.dim = layout.dim();
        this.rowBytes = layout.rowBytes();
        this.rows = rows;
        this.rowsPerChunk = (int) Long.highestOneBit(Math.max(1, CHUNK_BYTES / rowBytes));
        this.chunkShift = Integer.numberOfTrailingZeros(rowsPerChunk);
        int n = rows == 0 ? 0 : (rows + rowsPerChunk - 1) / rowsPerChunk;
        chunks = new ByteBuffer[n];
        for (int c = 0; c < n; c++) {
            int r = Math.min(rowsPerChunk, rows - c * rowsPerChunk);
            chunks[c] = HostMemory.allocate((long) r * rowBytes, hugePages);
        }
        addresses = n > 0 ? RawMemory.addresses(chunks) : null;
    }

    int rows() { return rows; }
    /** The buffers holding the rows (for tests). */
    java.util.List<ByteBuffer> buffers() { return java.util.Arrays.asList(chunks.clone()); }
    long bytes() { return (long) rows * rowBytes; }

    /** Copies the cold table's current value of {@code globalRow} into {@code slot}. */
    void loadFrom(ColdTable cold, long globalRow, int slot) {
        cold.copyStoredRow(globalRow, chunks[slot >>> chunkShift], (slot & (rowsPerChunk - 1)) * rowBytes);
    }

    /** Copies slot {@code slot}, converted to the device format, into {@code dst} at {@code dstOff}. */
    void copyDeviceRow(int slot, ByteBuffer dst, int dstOff) {
        RowCopy.storedToDevice(chunks[slot >>> chunkShift], (slot & (rowsPerChunk - 1)) * rowBytes, dst, dstOff, dim, format);
    }

    /**
     * Copies slots {@code slots[from..from+count)}, converted to the device format, into {@code dst} at byte
     * {@code positions[k] x dstRowBytes}: the lookup's warm-tier loop, format decided once (hot path).
     */
    void copyDeviceRows(long[] slots, int[] positions, int from, int count, ByteBuffer dst, int dstRowBytes) {
        ByteBuffer[] cs = chunks;
        int shift = chunkShift, mask = rowsPerChunk - 1, rb = rowBytes;
        if (addresses != null && format.storedAsDevice() && RowCopy.rawCopies(rb)) {
            RawMemory.copyRows(addresses, shift, mask, rows, slots, positions, from, count, rb, dst, dstRowBytes);
            return;
        }
        long touched = 0;   // touch a block, then copy it: more misses in flight (see RowIndex.resolve)
        boolean touch = RowIndex.touchFirst;
        int block = RowCopy.rowBlock;
        if (format.storedAsDevice()) {
            for (int b0 = from, end = from + count; b0 < end; b0 += block) {
                int b1 = Math.min(end, b0 + block);
                if (touch) for (int k = b0; k < b1; k++) {
                    int slot = (int) slots[k];
                    touched += RowCopy.touch(cs[slot >>> shift], (slot & mask) * rb, rb);
                }
                for (int k = b0; k < b1; k++) {
                    int slot = (int) slots[k];
                    dst.put(positions[k] * dstRowBytes, cs[slot >>> shift], (slot & mask) * rb, rb);
                }
            }
            RowIndex.sink = touched;
        } else {
            for (int k = from, end = from + count; k < end; k++) {
                int slot = (int) slots[k];
                RowCopy.storedToDevice(cs[slot >>> shift], (slot & mask) * rb, dst, positions[k] * dstRowBytes, dim, format);
            }
        }
    }

    @Override public void close() {
        for (int c = 0; c < chunks.length; c++) {
            HostMemory.free(chunks[c]);
            chunks[c] = null;
        }
    }
}
