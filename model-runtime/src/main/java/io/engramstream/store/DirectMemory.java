package io.engramstream.store;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Frees direct buffers now instead of at some later GC, so a swapped-out warm tier gives its
 * memory back promptly. Only called once nothing can touch the buffer again (the placement's
 * reference count reached zero); falls back to the GC when the JDK offers no way.
 */
final class DirectMemory {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object u = null;
        Method m = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            u = null;
            m = null;
        }
        UNSAFE = u;
        INVOKE_CLEANER = m;
    }

    private DirectMemory() {}

    static void free(ByteBuffer b) {
        if (b == null || !b.isDirect() || INVOKE_CLEANER == null) return;
        try {
            INVOKE_CLEANER.invoke(UNSAFE, b);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // leave it to the GC
        }
    }
}
