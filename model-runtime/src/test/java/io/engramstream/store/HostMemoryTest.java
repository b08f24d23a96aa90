package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class HostMemoryTest {
    private static final long MiB = 1L << 20;

    @Test
    void hugePageBuffersAreAlignedZeroedWritableAndUnmappedOnFree() {
        ByteBuffer b = HostMemory.allocate(5 * MiB + 3, true);
        assertEquals(5 * MiB + 3, b.capacity());
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
        assertTrue(b.isDirect());
        if (!HostMemory.hugePagesSupported()) {
            assertFalse(HostMemory.isMapped(b));
            return;
        }
        assertTrue(HostMemory.isMapped(b));
        assertEquals(0, RawMemory.address(b) % HostMemory.HUGE_PAGE, "2 MiB aligned");
        for (int i = 0; i < b.capacity(); i += 4093) assertEquals(0, b.get(i), "zero at " + i);
        for (int i = 0; i + 8 <= b.capacity(); i += 4096) b.putLong(i, i * 31L);
        b.put(b.capacity() - 1, (byte) 7);
        for (int i = 0; i + 8 <= b.capacity(); i += 4096) assertEquals(i * 31L, b.getLong(i));
        assertEquals(7, b.get(b.capacity() - 1));
        int live = HostMemory.liveMappings();
        HostMemory.free(b);
        assertFalse(HostMemory.isMapped(b));
        // at most: the Cleaner may unmap an earlier test's unreachable buffer meanwhile
        assertTrue(HostMemory.liveMappings() <= live - 1, "free removed the mapping from the live ones");
    }

    @Test
    void smallBuffersAndHugePagesOffAreOrdinaryDirectBuffers() {
        ByteBuffer small = HostMemory.allocate(HostMemory.HUGE_PAGE - 1, true);
        ByteBuffer off = HostMemory.allocate(4 * MiB, false);
        for (ByteBuffer b : new ByteBuffer[] {small, off}) {
            assertTrue(b.isDirect());
            assertFalse(HostMemory.isMapped(b));
            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
            b.putLong(0, 42);
            assertEquals(42, b.getLong(0));
            HostMemory.free(b);
        }
        assertThrows(IllegalArgumentException.class, () -> HostMemory.allocate(1L << 31, true));
    }

    @Test
    void anUnreachableMappingIsUnmappedByTheCleaner() throws InterruptedException {
        if (!HostMemory.hugePagesSupported()) return;
        ByteBuffer b = HostMemory.allocate(3 * MiB, true);
        long address = RawMemory.address(b);
        ByteBuffer view = b.slice(0, 4096);
        b = null;
        for (int i = 0; i < 5; i++) System.gc();
        assertTrue(HostMemory.isMappedAt(address), "a view keeps the mapping alive");
        view.putLong(0, 1);
        view = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (HostMemory.isMappedAt(address) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertFalse(HostMemory.isMappedAt(address), "unmapped once unreachable");
    }
}
