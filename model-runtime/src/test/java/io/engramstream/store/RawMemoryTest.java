package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RawMemoryTest {
    @Test
    void addressesAgreeWithJnaForBuffersAndViews() {
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        ByteBuffer view = b.slice(1000, 96);
        for (ByteBuffer x : new ByteBuffer[] {b, view}) {
            assertEquals(Pointer.nativeValue(Native.getDirectBufferPointer(x)), RawMemory.address(x));
        }
        assertEquals(RawMemory.address(b) + 1000, RawMemory.address(view));
        assertThrows(IllegalArgumentException.class, () -> RawMemory.address(ByteBuffer.allocate(8)));
    }

    @Test
    void copyRowsCopiesEachRowToItsPlaceAndRefusesOutOfBoundsBeforeCopying() {
        if (!RawMemory.available()) return;
        int rb = 16, rows = 50;
        ByteBuffer src = RowCopy.allocate((long) rows * rb);
        for (int i = 0; i < rows * rb; i++) src.put(i, (byte) (i * 7 + 3));
        ByteBuffer dst = RowCopy.allocate(10L * rb);
        long[] chunks = {RawMemory.address(src)};
        long[] rowIds = {49, 0, 7, 7, 23};
        int[] places = {9, 0, 4, 5, 1};
        int block = RowCopy.rowBlock;
        RowCopy.rowBlock = 2;   // several blocks for five rows
        try {
            RawMemory.copyRows(chunks, 31, Integer.MAX_VALUE, rows, rowIds, places, 0, rowIds.length, rb, dst, rb);
        } finally {
            RowCopy.rowBlock = block;
        }
        for (int k = 0; k < rowIds.length; k++) {
            for (int e = 0; e < rb; e++) assertEquals(src.get((int) rowIds[k] * rb + e), dst.get(places[k] * rb + e), "row " + k + " byte " + e);
        }
        ByteBuffer untouched = RowCopy.allocate(10L * rb);
        assertThrows(IllegalStateException.class, () -> RawMemory.copyRows(chunks, 31, Integer.MAX_VALUE, rows, new long[] {1, 50}, new int[] {0, 1},
                0, 2, rb, untouched, rb), "row 50 of 50");
        assertThrows(IllegalStateException.class, () -> RawMemory.copyRows(chunks, 31, Integer.MAX_VALUE, rows, new long[] {1, 2}, new int[] {0, 10},
                0, 2, rb, untouched, rb), "place 10 of 10");
        for (int i = 0; i < untouched.capacity(); i++) assertEquals(0, untouched.get(i), "nothing copied before the check failed");
    }
}
