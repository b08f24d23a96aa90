package io.engramstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged statistics part files (what {@code engram stats top} and the benchmarks read): every
 * truncation, edits anywhere, random files, and a row count that lies. Reading gives the rows
 * or an {@link IOException}; nothing else, and no count can size the arrays beyond the file.
 */
class StatsPartFuzzTest {
    @TempDir Path dir;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static byte[] part(int rows) throws IOException {
        RowStatsColumns c = new RowStatsColumns(rows);
        for (int r = 0; r < rows; r++) c.add(r * 3L, r, 2L * r, 0.5 * r, 1000 + r);
        StatsPartHeader h = new StatsPartHeader(StatsPartHeader.FORMAT_VERSION, "cp-000000000001", 0, 1, 16, "5f87f2304cd93438",
                "deepseek-v3", "8dc8692fd5f7b767", "{}", "tokens", 99, 1e9, 1, 1, 10, rows * 3L, 2, 0, rows, 0);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (java.nio.channels.WritableByteChannel out = java.nio.channels.Channels.newChannel(b)) {
            StatsDirectory.writePart(out, h, c);
        }
        return b.toByteArray();
    }

    private static RowStatsColumns readOrNull(Path f, String what) {
        try {
            return StatsDirectory.readPart(f);
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what);
            return null;
        } catch (Throwable t) {
            fail(what + ": " + t + " escaped", t);
            return null;
        }
    }

    @Test
    void everyTruncationIsAnIOException() throws Exception {
        byte[] good = part(30);
        Path f = dir.resolve("part-00000-of-00001.rows");
        for (int n = 0; n < good.length; n++) {
            Files.write(f, Arrays.copyOf(good, n));
            assertEquals(null, readOrNull(f, "cut at " + n), "cut at " + n);
        }
        Files.write(f, good);
        assertEquals(30, StatsDirectory.readPart(f).size());
    }

    @Test
    void editsAndRandomFilesNeverEscape() throws Exception {
        Random rnd = new Random(3);
        byte[] good = part(50);
        Path f = dir.resolve("part-00000-of-00001.rows");
        for (int i = 0; i < 2000; i++) {
            byte[] b;
            if (i % 4 == 0) {
                b = new byte[rnd.nextInt(3000)];
                rnd.nextBytes(b);
                if (i % 8 == 0 && b.length >= 8) System.arraycopy("ENGRSTAT".getBytes(), 0, b, 0, 8);
            } else {
                b = good.clone();
                for (int k = 0; k < 1 + rnd.nextInt(3); k++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt();
            }
            Files.write(f, b);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            readOrNull(f, "case " + i);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < (8L << 20) + 64L * b.length, "case " + i + " allocated " + allocated);
        }
    }

    /** Regression: a part of 50 rows whose count said 2^31-9 sized five arrays of that length (~80 GB) before reading. */
    @Test
    void aRowCountTheFileCannotHoldIsRejectedBeforeAllocating() throws Exception {
        byte[] good = part(50);
        int countAt = good.length - 50 * 40 - 8;
        assertEquals(50, ByteBuffer.wrap(good, countAt, 8).getLong(), "the count sits before the rows");
        Path f = dir.resolve("part-00000-of-00001.rows");
        readOrNull(f.resolveSibling("warm-up"), "warm-up");
        for (long lie : new long[] {Integer.MAX_VALUE - 9L, 1L << 30, 100_000_000L, 51, -1, Long.MAX_VALUE}) {
            byte[] b = good.clone();
            ByteBuffer.wrap(b, countAt, 8).putLong(lie);
            Files.write(f, b);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            assertEquals(null, readOrNull(f, "count " + lie));
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 16L << 20, "count " + lie + " allocated " + allocated + " bytes");
        }
    }
}
