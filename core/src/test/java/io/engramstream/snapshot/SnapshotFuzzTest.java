package io.engramstream.snapshot;

import static io.engramstream.snapshot.SnapshotFileTest.LAYOUT;
import static io.engramstream.snapshot.SnapshotFileTest.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.spec.RowKey;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged snapshot files and directories: every cut of the footer and header, bit flips and
 * byte edits in plain and ZSTD files, random files, metadata that lies about its row count,
 * garbage {@code LATEST} and manifests, and files that no longer match their manifest. The
 * reader answers with a snapshot or a typed error ({@link IllegalArgumentException}, or
 * {@link IOException} for what Arrow reports as a short read) and nothing else; Arrow may not
 * reserve memory beyond a bound set by the file size; a directory never hands out rows of a
 * file that differs from its manifest.
 */
class SnapshotFuzzTest {
    @TempDir Path dir;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static SnapshotRows rows(int n, long salt) {
        SnapshotRows r = SnapshotRows.full(n);
        Random rnd = new Random(salt);
        for (int i = 0; i < n; i++) {
            r.add(RowKey.of(i % 2, (i / 2) % 48), rnd.nextBoolean() ? Tier.HOT_CODE : Tier.WARM_CODE, rnd.nextDouble(), i, i * 7L);
        }
        return r.sortByKey();
    }

    /** Outcome of one read: null after a typed error, else the snapshot; fails on anything else. */
    private static Snapshot readOrNull(Path f, String what) {
        try {
            return SnapshotReader.read(f);
        } catch (IllegalArgumentException | IOException e) {
            String m = e.getMessage();
            assertTrue(m != null && !m.isBlank(), what + ": empty message in " + e);
            return null;
        } catch (Throwable t) {
            fail(what + ": " + t + " escaped", t);
            return null;
        }
    }

    private Path write(String name, SnapshotRows rows, WriteOptions opts) throws IOException {
        Path f = dir.resolve(name);
        SnapshotWriter.write(f, meta(3, 2), rows, LAYOUT, opts);
        return f;
    }

    @Test
    void cutsOfHeaderAndFooterAreTypedErrors() throws Exception {
        for (WriteOptions opts : List.of(WriteOptions.DEFAULT, WriteOptions.ZSTD)) {
            byte[] good = Files.readAllBytes(write("good.arrow", rows(96, 1), opts));
            Path f = dir.resolve("cut.arrow");
            for (int i = 0; i < 400; i++) {
                int n = i < 200 ? i : good.length - (i - 199); // the header, then the footer and the end
                if (n < 0 || n >= good.length) continue;
                Files.write(f, Arrays.copyOf(good, n));
                assertEquals(null, readOrNull(f, opts.compressionLabel() + " cut at " + n), "cut at " + n + " was accepted");
            }
        }
    }

    /** Regression: flipped bits escaped as ClassCast/IndexOutOfBounds/NullPointer/IllegalState exceptions and OutOfMemoryError. */
    @Test
    void bitFlipsAndByteEditsAreTypedErrorsOrAValidSnapshot() throws Exception {
        Random rnd = new Random(11);
        int rejected = 0, total = 0;
        for (WriteOptions opts : List.of(WriteOptions.DEFAULT, WriteOptions.ZSTD, new WriteOptions(false, 7))) {
            byte[] good = Files.readAllBytes(write("good.arrow", rows(96, 2), opts));
            Path f = dir.resolve("flip.arrow");
            for (int i = 0; i < 400; i++) {
                byte[] b = good.clone();
                for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                    int p = rnd.nextInt(b.length);
                    if (rnd.nextBoolean()) b[p] ^= (byte) (1 << rnd.nextInt(8));
                    else b[p] = (byte) rnd.nextInt();
                }
                Files.write(f, b);
                long before = THREADS.getCurrentThreadAllocatedBytes();
                Snapshot s = readOrNull(f, opts.compressionLabel() + " edit " + i);
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated < 64L << 20, "one read of " + b.length + " bytes allocated " + allocated + " heap bytes");
                total++;
                if (s == null) {
                    rejected++;
                } else {
                    // What is accepted is at least a well-formed snapshot: sorted rows, known tiers, layers in range.
                    assertTrue(s.rows().isSortedByKey());
                    for (int r = 0; r < s.rows().size(); r++) {
                        assertTrue(s.rows().tierCode(r) >= 0 && s.rows().tierCode(r) <= 2, "tier " + s.rows().tierCode(r));
                        assertTrue(s.rows().layerIndex(r) < Math.max(1, s.metadata().layerIds().size()),
                                "layer " + s.rows().layerIndex(r) + " of " + s.metadata().layerIds());
                    }
                }
            }
        }
        assertTrue(rejected > total / 4, rejected + " of " + total + " rejected");
    }

    @Test
    void randomAndForeignFilesAreTypedErrors() throws Exception {
        Random rnd = new Random(13);
        Path f = dir.resolve("random.arrow");
        byte[] magic = "ARROW1\0\0".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[rnd.nextInt(4096)];
            rnd.nextBytes(b);
            if (i % 2 == 0 && b.length >= 16) { // Arrow magic at both ends, garbage between
                System.arraycopy(magic, 0, b, 0, 8);
                System.arraycopy(magic, 0, b, b.length - 6, 6);
            }
            Files.write(f, b);
            assertEquals(null, readOrNull(f, "random " + i));
        }
        Files.writeString(f, "{\"version\": 1}");
        assertEquals(null, readOrNull(f, "json"));
        assertThrows(IOException.class, () -> SnapshotReader.read(dir.resolve("missing.arrow")));
        assertThrows(IOException.class, () -> SnapshotReader.read(dir));
    }

    /** An Arrow file whose snapshot metadata is written here by hand (not by SnapshotWriter). */
    private Path handMade(String name, Map<String, String> metadata, int rows, boolean withRowColumn) throws IOException {
        Path f = dir.resolve(name);
        org.apache.arrow.vector.types.pojo.Schema full = SnapshotSchema.schema(SnapshotKind.FULL, metadata);
        org.apache.arrow.vector.types.pojo.Schema schema = withRowColumn ? full
                : new org.apache.arrow.vector.types.pojo.Schema(full.getFields().stream()
                        .filter(x -> !x.getName().equals(SnapshotSchema.ROW)).toList(), metadata);
        try (BufferAllocator a = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, a);
             FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
            root.allocateNew();
            for (FieldVector v : root.getFieldVectors()) {
                for (int i = 0; i < rows; i++) {
                    if (v instanceof BigIntVector b) b.set(i, i);
                    else if (v instanceof org.apache.arrow.vector.SmallIntVector s) s.set(i, 0);
                    else if (v instanceof org.apache.arrow.vector.TinyIntVector t) t.set(i, (byte) 0);
                    else if (v instanceof org.apache.arrow.vector.Float8Vector d) d.set(i, 1.0);
                }
                v.setValueCount(rows);
            }
            root.setRowCount(rows);
            w.start();
            w.writeBatch();
            w.end();
        }
        return f;
    }

    private static Map<String, String> metadataSaying(String rows) {
        Map<String, String> m = new LinkedHashMap<>(meta(3, 2).toSchemaMetadata());
        m.put(SnapshotMetadata.KEY_ROWS, rows);
        return m;
    }

    /** Regression: a file of three rows declaring 1.5 * 10^9 made the reader allocate five arrays of that length. */
    @Test
    void metadataThatLiesAboutTheRowCountAllocatesNothingForIt() throws Exception {
        for (String claim : List.of("1500000000", "2147483647", "9223372036854775807", "1000000000000", "-5", "4")) {
            Path f = handMade("liar.arrow", metadataSaying(claim), 3, true);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            assertEquals(null, readOrNull(f, "rows = " + claim));
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 64L << 20, "rows = " + claim + " allocated " + allocated + " bytes");
        }
        Path ok = handMade("honest.arrow", metadataSaying("3"), 3, true);
        assertEquals(3, SnapshotReader.read(ok).rows().size());
        for (String junk : List.of("three", "", "1e9", "0x10")) {
            assertEquals(null, readOrNull(handMade("junk.arrow", metadataSaying(junk), 3, true), "rows = " + junk));
        }
        assertEquals(null, readOrNull(handMade("norow.arrow", metadataSaying("3"), 3, false), "no row column"));
        Map<String, String> noFormat = metadataSaying("3");
        noFormat.remove(SnapshotMetadata.KEY_FORMAT);
        assertEquals(null, readOrNull(handMade("nofmt.arrow", noFormat, 3, true), "no format key"));
        Map<String, String> future = metadataSaying("3");
        future.put(SnapshotMetadata.KEY_FORMAT, "99");
        assertEquals(null, readOrNull(handMade("future.arrow", future, 3, true), "future format"));
        for (String key : List.of(SnapshotMetadata.KEY_VERSION, SnapshotMetadata.KEY_KIND, SnapshotMetadata.KEY_SOURCE,
                SnapshotMetadata.KEY_BUDGETS, SnapshotMetadata.KEY_LAYER_IDS, SnapshotMetadata.KEY_CREATED_AT_MS)) {
            for (String v : List.of("", "null", "{", "[\"x\"]", "-1", "99999999999999999999")) {
                Map<String, String> m = metadataSaying("3");
                m.put(key, v);
                Path f = handMade("meta.arrow", m, 3, true);
                readOrNull(f, key + " = " + v); // a typed error, or a snapshot when the value happens to be acceptable
            }
        }
    }

    // ------------------------------------------------------------------ directories

    @Test
    void garbageLatestAndManifestsAreTypedErrors() throws Exception {
        SnapshotDirectory d = new SnapshotDirectory(dir.resolve("snaps"), 3);
        d.publish(meta(1, -1), rows(20, 3), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        Path latest = d.dir().resolve(SnapshotDirectory.LATEST);
        String good = Files.readString(latest);
        Random rnd = new Random(17);
        for (int i = 0; i < 400; i++) {
            byte[] b;
            if (i % 3 == 0) {
                b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
            } else {
                StringBuilder sb = new StringBuilder(good);
                for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                    int p = rnd.nextInt(sb.length());
                    if (rnd.nextBoolean()) sb.deleteCharAt(p);
                    else sb.insert(p, "{}[]\":,-0null".charAt(rnd.nextInt(13)));
                }
                b = sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            Files.write(latest, b);
            try {
                SnapshotDirectory.readLatest(d.dir());
                d.readLatestSnapshot(); // accepted manifests still have to match the file
            } catch (IllegalArgumentException | IOException expected) {
                assertTrue(expected.getMessage() != null);
            } catch (Throwable t) {
                fail("LATEST edit " + i + ": " + t + " escaped", t);
            }
        }
        for (String text : List.of("null", "", "[]", "{}", "\"x\"", "1", "{\"version\": 0, \"file\": \"x\"}", "{".repeat(3000))) {
            Files.writeString(latest, text);
            assertThrows(IllegalArgumentException.class, () -> SnapshotDirectory.readLatest(d.dir()), text);
            Files.writeString(d.dir().resolve(SnapshotDirectory.manifestFileName(7)), text);
            assertThrows(IllegalArgumentException.class, () -> SnapshotDirectory.listManifests(d.dir()), text);
            Files.delete(d.dir().resolve(SnapshotDirectory.manifestFileName(7)));
        }
        Files.write(latest, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertThrows(IllegalArgumentException.class, () -> SnapshotDirectory.readLatest(d.dir()));
        try (FileChannel ch = FileChannel.open(latest, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), 64L << 20); // sparse 64 MiB: refused, not read into memory
        }
        assertThrows(IllegalArgumentException.class, () -> SnapshotDirectory.readLatest(d.dir()));
    }

    /** Regression: LATEST's file was read without checking it against the manifest, so a damaged file's rows were handed out. */
    @Test
    void aFileThatNoLongerMatchesItsManifestIsNeverReadAsTheLatest() throws Exception {
        SnapshotDirectory d = new SnapshotDirectory(dir.resolve("snaps"), 3);
        SnapshotManifest m = d.publish(meta(1, -1), rows(40, 4), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        assertEquals(40, d.readLatestSnapshot().orElseThrow().rows().size());
        Path f = d.dir().resolve(m.file());
        byte[] good = Files.readAllBytes(f);

        // Same length, one score byte changed: a valid Arrow file with other rows.
        byte[] edited = good.clone();
        int p = indexOfDouble(edited, rows(40, 4).score(0));
        edited[p] ^= 0x01; // lowest mantissa bit of row 0's score
        Files.write(f, edited);
        assertTrue(readOrNull(f, "edited score") != null, "the raw reader sees a valid file");
        IllegalArgumentException sha = assertThrows(IllegalArgumentException.class, d::readLatestSnapshot);
        assertTrue(sha.getMessage().contains("sha256"), sha.getMessage());

        Files.write(f, Arrays.copyOf(good, good.length - 10));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, d::readLatestSnapshot);
        assertTrue(size.getMessage().contains("bytes"), size.getMessage());

        Files.delete(f);
        assertThrows(IOException.class, d::readLatestSnapshot);

        // A manifest that points outside the directory is refused before anything is opened.
        Files.write(f, good);
        String escape = Files.readString(d.dir().resolve(SnapshotDirectory.LATEST)).replace(m.file(), "../../etc/passwd");
        Files.writeString(d.dir().resolve(SnapshotDirectory.LATEST), escape);
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, d::readLatestSnapshot);
        assertTrue(outside.getMessage().contains("../../etc/passwd"), outside.getMessage());
    }

    /** Where the little-endian bytes of {@code v} sit in the file. */
    private static int indexOfDouble(byte[] b, double v) {
        long bits = Double.doubleToRawLongBits(v);
        outer:
        for (int i = 0; i + 8 <= b.length; i++) {
            for (int k = 0; k < 8; k++) if (b[i + k] != (byte) (bits >>> (8 * k))) continue outer;
            return i;
        }
        throw new AssertionError("score " + v + " not found in the file");
    }
}
