package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.cli.UserError;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged canonical-map files: every truncation, bit flips in header and body, random files,
 * headers that lie about the size. {@link CanonicalMap#load} either returns the very map that
 * was saved or fails with a one-line {@link UserError}; nothing else, and no header can make
 * it allocate more than the file decompresses to.
 */
class CanonicalMapFuzzTest {
    @TempDir Path dir;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static CanonicalMap randomMap(Random rnd, int oldSize) {
        int[] lookup = new int[oldSize];
        int canonical = Math.max(1, oldSize * 3 / 4);
        for (int i = 0; i < oldSize; i++) lookup[i] = i < canonical ? i : rnd.nextInt(canonical);
        return new CanonicalMap(lookup, "fuzz", "cd".repeat(32), "hf-token", "test");
    }

    /** The loaded map, or null after a UserError; fails on anything else. */
    private static CanonicalMap loadOrNull(Path f, String what) {
        try {
            return CanonicalMap.load(f);
        } catch (UserError e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank() && !e.getMessage().contains("\n"), what + ": " + e.getMessage());
            return null;
        } catch (Throwable t) {
            fail(what + ": " + t + " escaped", t);
            return null;
        }
    }

    private static void assertSameMap(CanonicalMap expected, CanonicalMap actual, String what) {
        assertEquals(expected.fingerprint(), actual.fingerprint(), what);
        assertArrayEquals(expected.toArray(), actual.toArray(), what);
    }

    @Test
    void everyTruncationIsAUserError() throws Exception {
        CanonicalMap m = randomMap(new Random(3), 300);
        Path good = dir.resolve("good.cmap");
        m.save(good);
        byte[] bytes = Files.readAllBytes(good);
        Path f = dir.resolve("cut.cmap");
        for (int n = 0; n < bytes.length; n++) {
            Files.write(f, Arrays.copyOf(bytes, n));
            assertEquals(null, loadOrNull(f, "cut at " + n + " of " + bytes.length), "cut at " + n + " was accepted");
        }
        assertSameMap(m, CanonicalMap.load(good), "intact");
    }

    @Test
    void bitFlipsAndByteEditsAreRejectedOrHarmless() throws Exception {
        Random rnd = new Random(5);
        CanonicalMap m = randomMap(rnd, 2000);
        Path good = dir.resolve("good.cmap");
        m.save(good);
        byte[] bytes = Files.readAllBytes(good);
        Path f = dir.resolve("flip.cmap");
        int rejected = 0;
        for (int i = 0; i < 1500; i++) {
            byte[] b = bytes.clone();
            int edits = 1 + rnd.nextInt(3);
            for (int k = 0; k < edits; k++) {
                int p = rnd.nextInt(b.length);
                if (rnd.nextBoolean()) b[p] ^= (byte) (1 << rnd.nextInt(8));
                else b[p] = (byte) rnd.nextInt();
            }
            Files.write(f, b);
            CanonicalMap loaded = loadOrNull(f, "edit " + i);
            if (loaded == null) rejected++;
            else assertSameMap(m, loaded, "edit " + i + " was accepted with other contents"); // e.g. a label in the header
        }
        assertTrue(rejected > 1000, "rejected " + rejected);
    }

    @Test
    void randomFilesAndForeignFilesAreUserErrors() throws Exception {
        Random rnd = new Random(7);
        Path f = dir.resolve("random.cmap");
        for (int i = 0; i < 500; i++) {
            byte[] b = new byte[rnd.nextInt(2000)];
            rnd.nextBytes(b);
            if (i % 3 == 0) {
                byte[] magic = (CanonicalMap.MAGIC + " 1\n").getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(magic, 0, b, 0, Math.min(magic.length, b.length));
            }
            Files.write(f, b);
            assertEquals(null, loadOrNull(f, "random " + i));
        }
        for (String text : new String[] {"", "\n", CanonicalMap.MAGIC, CanonicalMap.MAGIC + " \n", CanonicalMap.MAGIC + " x\n{}\n",
                CanonicalMap.MAGIC + " 99999999999999\n{}\n", CanonicalMap.MAGIC + " -1\n{}\n", CanonicalMap.MAGIC + " 1\n\n",
                CanonicalMap.MAGIC + " 1\nnull\n", CanonicalMap.MAGIC + " 1\n[]\n", CanonicalMap.MAGIC + " 1\n{\"old_vocab_size\": \"7\"}\n",
                CanonicalMap.MAGIC + " 1\n{\"old_vocab_size\": 1e400}\n", CanonicalMap.MAGIC + " 1\n" + "{".repeat(5000) + "\n",
                CanonicalMap.MAGIC + " 1\n" + "x".repeat(1 << 17) + "\n", "{\"old_vocab_size\": 3}"}) {
            Files.writeString(f, text);
            assertEquals(null, loadOrNull(f, text.length() > 60 ? text.substring(0, 60) : text));
        }
        assertEquals(null, loadOrNull(dir, "a directory"));
        assertEquals(null, loadOrNull(dir.resolve("missing.cmap"), "a missing file"));
    }

    /** Regression: a header claiming 2^31-1 ids threw ArithmeticException; 5*10^8 allocated 2 GB before reading a byte. */
    @Test
    void aHeaderThatLiesAboutTheSizeAllocatesNothingForIt() throws Exception {
        CanonicalMap m = randomMap(new Random(9), 100);
        Path f = dir.resolve("liar.cmap");
        CanonicalMapFuzzTest.loadOrNull(dir.resolve("warm-up"), "warm-up");
        for (long claim : new long[] {Integer.MAX_VALUE, 1L << 31, 500_000_000L, CanonicalMap.MAX_OLD_VOCAB, 100_000_000L, 101, -1}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes((CanonicalMap.MAGIC + " 1\n").getBytes(StandardCharsets.US_ASCII));
            String header = m.header().put("old_vocab_size", claim).toString();
            out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            GZIPOutputStream gz = new GZIPOutputStream(out);
            byte[] body = new byte[400];
            gz.write(body);
            gz.finish();
            Files.write(f, out.toByteArray());
            long before = THREADS.getCurrentThreadAllocatedBytes();
            CanonicalMap loaded = loadOrNull(f, "claim " + claim);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertEquals(null, loaded, "claim " + claim);
            assertTrue(allocated < 8L << 20, "claim " + claim + " allocated " + allocated + " bytes");
        }
    }

    @Test
    void aLargeIntactMapStillLoads() throws Exception {
        CanonicalMap m = randomMap(new Random(11), 200_000);
        Path f = dir.resolve("large.cmap");
        m.save(f);
        CanonicalMap back = CanonicalMap.load(f);
        assertSameMap(m, back, "200k map");
        assertFalse(back.toString().isBlank());
    }
}
