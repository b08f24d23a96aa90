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

    /** The address of a direct buffer's first byte. */
    static long address(ByteBuffer direct) {
        if (!direct.isDirect()) throw new IllegalArgumentException("not a direct buffer");
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    static long getLong(long address) { return UNSAFE.getLong(address); }
}
