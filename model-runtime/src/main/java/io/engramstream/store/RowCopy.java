package io.engramstream.store;

import java.nio.ByteBuffer;

/**
 * Row copies between little-endian buffers, with the element conversions a format needs.
 * Allocation-free: absolute ByteBuffer accessors and bulk copies only (hot path).
 */
final class RowCopy {
    private RowCopy() {}

    /** Copies a stored row ({@code format}) to a device-format row ({@link RowFormat#deviceType()}). */
    static void storedToDevice(ByteBuffer src, int srcOff, ByteBuffer dst, int dstOff, int dim, RowFormat format) {
        if (format.storedAsDevice()) {
            dst.put(dstOff, src, srcOff, dim * format.bytesPerElement());
        } else { // BF16 -> FP32
            for (int e = 0; e < dim; e++) {
                dst.putInt(dstOff + 4 * e, (src.getShort(srcOff + 2 * e) & 0xFFFF) << 16);
            }
        }
    }

    /** Decodes a stored row to floats. */
    static void storedToFloats(ByteBuffer src, int srcOff, float[] dst, int dstOff, int dim, RowFormat format) {
        switch (format) {
            case FP32:
                for (int e = 0; e < dim; e++) dst[dstOff + e] = src.getFloat(srcOff + 4 * e);
                break;
            case BF16:
                for (int e = 0; e < dim; e++) dst[dstOff + e] = RowFormat.bf16ToFloat(src.getShort(srcOff + 2 * e));
                break;
            case FP16:
                for (int e = 0; e < dim; e++) dst[dstOff + e] = RowFormat.fp16ToFloat(src.getShort(srcOff + 2 * e));
                break;
            default: throw new AssertionError(format);
        }
    }

    /** Encodes floats to a stored row (rounding to nearest even for 16-bit formats). */
    static void floatsToStored(float[] src, int srcOff, ByteBuffer dst, int dstOff, int dim, RowFormat format) {
        switch (format) {
            case FP32:
                for (int e = 0; e < dim; e++) dst.putFloat(dstOff + 4 * e, src[srcOff + e]);
                break;
            case BF16:
                for (int e = 0; e < dim; e++) dst.putShort(dstOff + 2 * e, RowFormat.floatToBf16(src[srcOff + e]));
                break;
            case FP16:
                for (int e = 0; e < dim; e++) dst.putShort(dstOff + 2 * e, RowFormat.floatToFp16(src[srcOff + e]));
                break;
            default: throw new AssertionError(format);
        }
    }

    /** Rows touched then copied per block by the tier copy loops (small enough to stay in L1/L2 between the two). */
    static volatile int rowBlock = Integer.getInteger("engram.store.rowBlock", 32);

    /** Whether tier copies use raw memory ({@link RawMemory}) when rows allow it (tests turn it off to check the buffer path). */
    static volatile boolean rawCopies = true;

    /** Whether rows of {@code rowBytes} are copied with raw memory access. */
    static boolean rawCopies(int rowBytes) { return rawCopies && rowBytes >= 8 && RawMemory.available(); }

    /**
     * Loads the first word of the row at {@code off} (which the caller must use, or the JIT drops
     * the load): the touch loops that start a block's misses before its copies. Touching the row's
     * second cache line as well was faster alone (29 against 40 ns per random 128-byte row) but not
     * in the store, where two threads share the memory system (0.87x against 0.95x of the flat
     * table, interleaved in one process), so one word it is.
     */
    static long touch(ByteBuffer b, int off, int rowBytes) {
        return rowBytes < 8 ? b.get(off) : b.getLong(off);
    }

    static ByteBuffer allocate(long bytes) {
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("buffer of " + bytes + " bytes exceeds 2 GiB");
        return ByteBuffer.allocateDirect((int) Math.max(bytes, 0)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
