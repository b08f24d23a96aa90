package io.engramstream.store;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Plain loads from off-heap addresses, for the one loop where a {@code ByteBuffer}'s per-access
 * checks cost more than the memory access: the row index probe of every row lookup (about 20 ns
 * of a 30 ns probe went to bounds and scope checks, measured). Callers compute addresses from
 * buffers they keep reachable and clamp every offset into them; nothing here checks.
 */
final class RawMemory {
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private RawMemory() {}

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Whether raw loads are possible here (else callers use the buffers). */
    static boolean available() { return UNSAFE != null; }

    /** Offset of {@code java.nio.Buffer.address} (a direct buffer's first byte), -1 when unknown. */
    private static final long ADDRESS_FIELD = addressField();

    private static long addressField() {
        if (UNSAFE == null) return -1;
        try {
            return UNSAFE.objectFieldOffset(java.nio.Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** The address of a direct buffer's first byte (read from the buffer itself; JNA's lookup as the fallback). */
    static long address(ByteBuffer direct) {
        if (!direct.isDirect()) throw new IllegalArgumentException("not a direct buffer");
        if (ADDRESS_FIELD >= 0) return UNSAFE.getLong(direct, ADDRESS_FIELD);
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    static long getLong(long address) { return UNSAFE.getLong(address); }

    static void copy(long from, long to, long bytes) { UNSAFE.copyMemory(from, to, bytes); }

    /** Addresses of direct buffers, or null when raw access is not available. */
    static long[] addresses(ByteBuffer[] buffers) {
        if (!available()) return null;
        long[] a = new long[buffers.length];
        for (int i = 0; i < a.length; i++) a[i] = address(buffers[i]);
        return a;
    }

    /** The largest of {@code values[from..from+count)}, -1 when empty: the bound check before a raw copy loop. */
    static long max(int[] values, int from, int count) {
        int m = -1;
        for (int k = from, end = from + count; k < end; k++) m = Math.max(m, values[k]);
        return m;
    }

    static long max(long[] values, int from, int count) {
        long m = -1;
        for (int k = from, end = from + count; k < end; k++) m = Math.max(m, values[k]);
        return m;
    }

    /**
     * Copies rows {@code rowIds[from..from+count)} of {@code rowBytes} each, row r at
     * {@code chunks[r >>> shift] + (r & mask) x rowBytes}, to row places {@code positions[k]} of
     * {@code dst} ({@code dst.capacity() / dstRowBytes} places), in blocks of {@link RowCopy#rowBlock}
     * rows whose first words are loaded before the block is copied (more misses in flight; off with
     * {@link RowIndex#touchFirst}). Checks every row against {@code rowCount} and every place
     * against {@code dst} first (a bad one throws, nothing is copied). Hot path: no allocation.
     */
    static void copyRows(long[] chunks, int shift, long mask, long rowCount, long[] rowIds, int[] positions, int from, int count,
                         int rowBytes, ByteBuffer dst, int dstRowBytes) {
        checkBounds(max(rowIds, from, count), rowCount, max(positions, from, count), dst, dstRowBytes);
        long d = address(dst), touched = 0;
        boolean touch = RowIndex.touchFirst;
        int block = RowCopy.rowBlock;
        for (int b0 = from, end = from + count; b0 < end; b0 += block) {
            int b1 = Math.min(end, b0 + block);
            if (touch) for (int k = b0; k < b1; k++) {
                long r = rowIds[k];
                touched += UNSAFE.getLong(chunks[(int) (r >>> shift)] + (r & mask) * rowBytes);
            }
            for (int k = b0; k < b1; k++) {
                long r = rowIds[k];
                UNSAFE.copyMemory(chunks[(int) (r >>> shift)] + (r & mask) * rowBytes, d + (long) positions[k] * dstRowBytes, rowBytes);
            }
        }
        sink = touched;
    }

    /** Where touch loops leave their sums, so the JIT keeps their loads. */
    static long sink;

    private static void checkBounds(long maxRow, long rowCount, long maxPosition, ByteBuffer dst, int dstRowBytes) {
        if (maxRow >= rowCount || (maxPosition + 1) * dstRowBytes > dst.capacity()) {
            throw new IllegalStateException("row copy out of bounds: row " + maxRow + " of " + rowCount + ", place " + maxPosition
                    + " of " + dst.capacity() / dstRowBytes);
        }
    }
}
