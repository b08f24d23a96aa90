package io.engramstream.store;

import static io.engramstream.store.TieredEmbeddingStoreTest.assertLookup;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotKind;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SnapshotSchema;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime fed hostile snapshot directories whose manifests are self-consistent (size and
 * SHA-256 match, so only the content can stop them): rows outside the spec's tables, layer
 * indexes past the spec, duplicate rows, unknown tiers, bit-flipped Arrow files, missing files,
 * wrong fingerprints, garbage {@code LATEST}. Every one is REJECTED with a reason, no poll
 * throws, and the store keeps serving the last good snapshot with lookups equal to the flat table.
 */
class SnapshotFollowerFuzzTest {
    @TempDir Path tmp;

    private static RowLayout rowLayout(EngramSpec spec) {
        long[][] offsets = new long[spec.numLayers()][];
        for (int l = 0; l < offsets.length; l++) offsets[l] = spec.headOffsets(l);
        return new RowLayout(spec.layerIds(), spec.headsPerNgram(), offsets);
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /** Writes an Arrow snapshot file by hand, any rows at all, with the metadata a writer would put. */
    private static void handMade(Path f, SnapshotMetadata meta, long[][] rows) throws Exception {
        Map<String, String> md = new LinkedHashMap<>(meta.toSchemaMetadata());
        md.put(SnapshotMetadata.KEY_ROWS, Integer.toString(rows.length));
        md.put(SnapshotMetadata.KEY_ROWS_HOT, "0");
        md.put(SnapshotMetadata.KEY_ROWS_WARM, "0");
        try (BufferAllocator a = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(SnapshotSchema.schema(SnapshotKind.FULL, md), a);
             FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
            root.allocateNew();
            for (int i = 0; i < rows.length; i++) { // {layer, row, tier}
                ((SmallIntVector) root.getVector(SnapshotSchema.LAYER)).set(i, (int) rows[i][0]);
                ((TinyIntVector) root.getVector(SnapshotSchema.ORDER)).set(i, 2);
                ((SmallIntVector) root.getVector(SnapshotSchema.HEAD)).set(i, 0);
                ((BigIntVector) root.getVector(SnapshotSchema.BUCKET)).set(i, 0);
                ((BigIntVector) root.getVector(SnapshotSchema.ROW)).set(i, rows[i][1]);
                ((TinyIntVector) root.getVector(SnapshotSchema.TIER)).set(i, (byte) rows[i][2]);
                ((Float8Vector) root.getVector(SnapshotSchema.SCORE)).set(i, 1.0);
                ((BigIntVector) root.getVector(SnapshotSchema.COUNT)).set(i, 1);
                ((BigIntVector) root.getVector(SnapshotSchema.LAST_ACCESS)).set(i, 0);
            }
            for (FieldVector v : root.getFieldVectors()) v.setValueCount(rows.length);
            root.setRowCount(rows.length);
            w.start();
            w.writeBatch();
            w.end();
        }
    }

    /** Publishes {@code file} as version {@code v} with a manifest that matches it byte for byte (LATEST too). */
    private static void publishAsIs(Path dir, long v, String specFp, String canonFp, String fileName) throws Exception {
        Path f = dir.resolve(fileName);
        SnapshotManifest m = new SnapshotManifest(SnapshotMetadata.FORMAT_VERSION, v, null, specFp, canonFp, System.currentTimeMillis(),
                SourcePosition.NONE, fileName, f.toUri().toString(), Files.exists(f) ? sha256(f) : "00", Files.exists(f) ? Files.size(f) : 0,
                "none", 0, 0, -1, -1, null, null, CoverageCurve.EMPTY);
        Files.writeString(dir.resolve(SnapshotDirectory.manifestFileName(v)), m.toJson());
        Files.writeString(dir.resolve(SnapshotDirectory.LATEST), m.toJson());
    }

    @Test
    void hostileButSelfConsistentSnapshotsAreRejectedAndTheStoreKeepsServing() throws Exception {
        TestTables t = new TestTables(tmp, RowFormat.FP32, 31);
        EngramSpec spec = t.spec;
        String canon = "c0ffee0000000002";
        SnapshotDirectory d = new SnapshotDirectory(tmp.resolve("snapshots"), 50);
        Random r = new Random(4);

        // A good version 1.
        SnapshotRows good = SnapshotRows.full(64);
        for (int l = 0; l < t.layout.numLayers(); l++) {
            for (long row = 0; row < t.layout.rowsPerLayer(l); row += 7) good.add(RowKey.of(l, row), row % 2 == 0 ? Tier.HOT_CODE : Tier.WARM_CODE, 1, 1, 0);
        }
        d.publish(SnapshotMetadata.full(1, -1, spec.fingerprint(), canon, 1, SourcePosition.NONE, null, spec.layerIds()),
                good.sortByKey(), null, rowLayout(spec), WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        Path goodFile = d.resolve(SnapshotDirectory.snapshotFileName(1));

        long rows0 = t.layout.rowsPerLayer(0);
        long[][][] hostileRows = {
                {{0, rows0, 0}},                                   // one past layer 0's table
                {{0, RowKey.ROW_MASK, 0}},                         // the largest row a key can hold
                {{spec.numLayers(), 0, 0}},                        // a layer the spec does not have
                {{0, 5, 0}, {0, 5, 1}},                            // the same row twice, in two tiers
                {{0, 3, 7}},                                       // no such tier
                {{0, 9, 0}, {0, 3, 0}},                            // not sorted
        };
        try (TieredEmbeddingStore store = t.store().canonicalMapFingerprint(canon).followSnapshots(d.dir(), Duration.ZERO).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            SnapshotFollower f = store.follower();
            assertEquals("1", store.snapshotId());
            long[] hot = store.hotKeys(), warm = store.warmKeys();
            long v = 2;
            int rejected = 0;

            for (long[][] rows : hostileRows) {
                String name = SnapshotDirectory.snapshotFileName(v);
                handMade(d.resolve(name), SnapshotMetadata.full(v, v - 1, spec.fingerprint(), canon, 1, SourcePosition.NONE, null,
                        spec.layerIds()), rows);
                publishAsIs(d.dir(), v, spec.fingerprint(), canon, name);
                rejected += expectRejected(f, store, "rows " + java.util.Arrays.deepToString(rows), v++);
            }

            // Bit flips in a copy of the good file, published with a manifest that matches the damaged bytes.
            byte[] bytes = Files.readAllBytes(goodFile);
            for (int i = 0; i < 40; i++) {
                byte[] b = bytes.clone();
                for (int k = 0; k < 1 + r.nextInt(3); k++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                String name = SnapshotDirectory.snapshotFileName(v);
                Files.write(d.resolve(name), b);
                publishAsIs(d.dir(), v, spec.fingerprint(), canon, name);
                SnapshotFollower.Outcome o = poll(f, "flip " + i);
                if (o == SnapshotFollower.Outcome.REJECTED) rejected++;
                else {
                    // The flips kept it a valid snapshot of version v (e.g. a score or a count changed): it may be
                    // served, but only as a well-formed plan of this spec.
                    assertEquals(SnapshotFollower.Outcome.APPLIED_FULL, o, "flip " + i);
                    hot = store.hotKeys();
                    warm = store.warmKeys();
                    for (long key : hot) assertTrue(validKey(t.layout, key), RowKey.toString(key));
                }
                assertArrayEquals(hot, store.hotKeys(), "flip " + i);
                assertArrayEquals(warm, store.warmKeys(), "flip " + i);
                v++;
            }

            // Missing file, wrong spec, wrong canonical map.
            publishAsIs(d.dir(), v, spec.fingerprint(), canon, SnapshotDirectory.snapshotFileName(v));
            rejected += expectRejected(f, store, "missing file", v++);
            Files.copy(goodFile, d.resolve(SnapshotDirectory.snapshotFileName(v)));
            publishAsIs(d.dir(), v, "0123456789abcdef", canon, SnapshotDirectory.snapshotFileName(v));
            rejected += expectRejected(f, store, "manifest of another spec", v++);
            Files.copy(goodFile, d.resolve(SnapshotDirectory.snapshotFileName(v)));
            publishAsIs(d.dir(), v, spec.fingerprint(), "ffff000000000000", SnapshotDirectory.snapshotFileName(v));
            rejected += expectRejected(f, store, "manifest of another canonical map", v++);
            // The manifest claims this spec, the file's own metadata says another (and its version says 1).
            Files.copy(goodFile, d.resolve(SnapshotDirectory.snapshotFileName(v)));
            publishAsIs(d.dir(), v, spec.fingerprint(), canon, SnapshotDirectory.snapshotFileName(v));
            rejected += expectRejected(f, store, "file of another version", v++);

            // Garbage LATEST.
            for (String latest : List.of("", "null", "{", "[]", "{\"version\": -1, \"file\": \"x\"}", "\u0000\u0001")) {
                Files.writeString(d.dir().resolve(SnapshotDirectory.LATEST), latest, StandardCharsets.ISO_8859_1);
                SnapshotFollower.Outcome o = poll(f, "LATEST " + latest);
                assertTrue(o == SnapshotFollower.Outcome.REJECTED || o == SnapshotFollower.Outcome.UNCHANGED, "LATEST '" + latest + "': " + o);
                assertArrayEquals(hot, store.hotKeys());
            }

            assertTrue(rejected >= hostileRows.length + 4, "rejected " + rejected);
            assertTrue(store.metrics().rejectedSnapshots() > 0);
            for (int i = 0; i < 3; i++) {
                var batch = TestTables.randomBatch(r, 2, 30);
                assertLookup(t, batch, store.lookup(m, batch), "after the hostile snapshots");
            }
        }
    }

    private static boolean validKey(StoreLayout layout, long key) {
        int l = RowKey.layerIndex(key);
        return l < layout.numLayers() && RowKey.row(key) < layout.rowsPerLayer(l);
    }

    private static SnapshotFollower.Outcome poll(SnapshotFollower f, String what) {
        try {
            return f.poll();
        } catch (Throwable e) {
            fail(what + ": poll threw " + e, e);
            return null;
        }
    }

    private static int expectRejected(SnapshotFollower f, TieredEmbeddingStore store, String what, long version) {
        String before = store.snapshotId();
        long[] hot = store.hotKeys();
        SnapshotFollower.Outcome o = poll(f, what);
        assertEquals(SnapshotFollower.Outcome.REJECTED, o, what + " (version " + version + ")");
        assertEquals(before, store.snapshotId(), what);
        assertArrayEquals(hot, store.hotKeys(), what);
        assertTrue(!store.metrics().lastRejection().isBlank(), what);
        return 1;
    }
}
