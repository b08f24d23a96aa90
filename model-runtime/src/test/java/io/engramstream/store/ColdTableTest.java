package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColdTableTest {
    @TempDir Path dir;

    private static StoreLayout layout(RowFormat f) {
        return new StoreLayout(new long[] {1000, 777}, 4, 16, f, "abcdef0123456789");
    }

    @Test
    void rowsSpanningManyMappingsReadBackAsWritten() throws Exception {
        StoreLayout l = layout(RowFormat.FP32);
        Path file = dir.resolve("t.engt");
        // room for 7 rows: rounded down to 4 rows per mapping (a power of two), 445 mappings, rows of both layers split across them
        try (ColdTable t = ColdTable.create(file, l, 5, 0.5, 7L * l.rowBytes() + 3, 2)) {
            assertEquals((1777 + 3) / 4, t.chunkCount());
            float[] v = new float[16];
            for (long g = 0; g < l.totalRows(); g += 13) {
                for (int e = 0; e < 16; e++) v[e] = g * 16 + e;
                t.writeRow(g, v, 0);
            }
        }
        try (ColdTable t = ColdTable.open(file, l, false)) {   // one mapping this time
            assertEquals(1, t.chunkCount());
            float[] v = new float[16];
            for (long g = 0; g < l.totalRows(); g += 13) {
                t.readRow(g, v, 0);
                for (int e = 0; e < 16; e++) assertEquals(g * 16 + e, v[e], 0f);
            }
        }
    }

    @Test
    void seededInitIsReproducibleAndScaled() throws Exception {
        StoreLayout l = layout(RowFormat.FP32);
        Path a = dir.resolve("a.engt"), b = dir.resolve("b.engt"), c = dir.resolve("c.engt");
        ColdTable.create(a, l, 42, 0.02, 64L * l.rowBytes(), 2).close();
        ColdTable.create(b, l, 42, 0.02, ColdTable.DEFAULT_CHUNK_BYTES, 1).close();
        ColdTable.create(c, l, 43, 0.02, ColdTable.DEFAULT_CHUNK_BYTES, 1).close();
        assertEquals(-1, Files.mismatch(a, b), "same seed, different chunking and threads: same bytes");
        assertNotEquals(-1, Files.mismatch(a, c), "another seed gives other values");
        try (ColdTable t = ColdTable.open(a, l, false)) {
            assertEquals(42, t.seed());
            float[] v = new float[16];
            double sum = 0, sq = 0, max = 0;
            long n = 0;
            for (long g = 0; g < l.totalRows(); g++) {
                t.readRow(g, v, 0);
                for (float x : v) { sum += x; sq += x * x; max = Math.max(max, Math.abs(x)); n++; }
            }
            double mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
            assertEquals(0, mean, 0.001);
            assertEquals(0.02, std, 0.0005);
            assertTrue(max <= 0.02 * Math.sqrt(3) * 2 + 1e-6, "bounded like a truncated normal: " + max);
        }
    }

    @Test
    void aTableOfAnotherSpecOrShapeIsRefused() throws Exception {
        StoreLayout l = layout(RowFormat.BF16);
        Path file = dir.resolve("t.engt");
        ColdTable.createEmpty(file, l).close();
        assertEquals(RowFormat.BF16, ColdTable.readHeader(file).format);
        String[] expected = {"row format", "dim", "layers", "layer 1 has 777 rows", "spec fingerprint"};
        StoreLayout[] others = {
            l.withFormat(RowFormat.FP16),
            l.withDim(8),
            new StoreLayout(new long[] {1000}, 4, 16, RowFormat.BF16, ""),
            new StoreLayout(new long[] {1000, 778}, 4, 16, RowFormat.BF16, ""),
            new StoreLayout(new long[] {1000, 777}, 4, 16, RowFormat.BF16, "0000000000000000"),
        };
        for (int i = 0; i < others.length; i++) {
            StoreLayout o = others[i];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColdTable.open(file, o, false));
            assertTrue(e.getMessage().contains(expected[i]), e.getMessage());
        }
    }

    @Test
    void truncatedAndForeignFilesAreRefused() throws Exception {
        StoreLayout l = layout(RowFormat.FP16);
        Path file = dir.resolve("t.engt");
        ColdTable.createEmpty(file, l).close();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 1);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColdTable.open(file, l, false));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path foreign = dir.resolve("x.engt");
        Files.write(foreign, new byte[8192]);
        e = assertThrows(IllegalArgumentException.class, () -> ColdTable.open(foreign, l, false));
        assertTrue(e.getMessage().contains("not an engram table"), e.getMessage());
    }

    @Test
    void dirtyRowsAreCountedOnceAndClearedByFlush() throws Exception {
        StoreLayout l = layout(RowFormat.BF16);
        Path file = dir.resolve("t.engt");
        float[] v = new float[16];
        java.util.Arrays.fill(v, 1.5f);
        try (ColdTable t = ColdTable.createEmpty(file, l)) {
            t.writeRow(3, v, 0);
            t.writeRow(3, v, 0);
            t.writeRow(1776, v, 0);
            t.writeRow(999, v, 0);
            assertEquals(3, t.dirtyRows());
            t.flush();
            assertEquals(0, t.dirtyRows());
        }
        // the bytes on disk: bf16 1.5 = 0x3FC0, little-endian
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int off = ColdTable.DATA_OFFSET + 1776 * l.rowBytes();
        assertEquals((byte) 0xC0, b.get(off));
        assertEquals((byte) 0x3F, b.get(off + 1));
        assertEquals(0, b.get(ColdTable.DATA_OFFSET + 4 * l.rowBytes()));
    }

    @Test
    void readOnlyTablesRefuseWrites() throws Exception {
        StoreLayout l = layout(RowFormat.FP32);
        Path file = dir.resolve("t.engt");
        ColdTable.createEmpty(file, l).close();
        try (ColdTable t = ColdTable.open(file, l, false)) {
            assertThrows(IllegalStateException.class, () -> t.writeRow(0, new float[16], 0));
        }
    }
}
