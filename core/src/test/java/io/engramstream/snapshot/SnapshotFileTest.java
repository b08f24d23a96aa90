package io.engramstream.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.placement.TierBudgets;
import io.engramstream.spec.RowKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileTest {
    // Two layers, orders 2..3, 2 heads per order; head sizes 7, 11, 13, 17 (not uniform on purpose).
    static final RowLayout LAYOUT = new RowLayout(List.of(1, 15), 2,
            new long[][]{{0, 7, 18, 31, 48}, {0, 7, 18, 31, 48}});
    static final TierBudgets BUDGETS = TierBudgets.global(256, 256 * 3, 256 * 10);

    static SnapshotMetadata meta(long version, long previous) {
        return SnapshotMetadata.full(version, previous, "00112233aabbccdd", "deepseek-v3:0123", 1_700_000_000_123L,
                new SourcePosition(Map.of("corpus-tokens-0", 42L, "corpus-tokens-1", 7L), 1_700_000_000_000L, 12345, "test"),
                BUDGETS, List.of(1, 15));
    }

    static SnapshotRows sample() {
        SnapshotRows r = SnapshotRows.full(8);
        // Added out of order: the writer requires sorting first.
        r.add(RowKey.of(1, 40), Tier.HOT_CODE, 9.5, 10, 1000);
        r.add(RowKey.of(0, 3), Tier.WARM_CODE, 0.25, 1, 2000);
        r.add(RowKey.of(0, 18), Tier.HOT_CODE, 3.0, 4, 3000);
        r.add(RowKey.of(1, 0), Tier.WARM_CODE, 1e-9, 2, Long.MAX_VALUE);
        return r.sortByKey();
    }

    @Test
    void roundTripKeepsRowsAndMetadata(@TempDir Path dir) throws Exception {
        for (WriteOptions opts : List.of(WriteOptions.DEFAULT, WriteOptions.ZSTD, new WriteOptions(false, 3))) {
            Path f = dir.resolve("s-" + opts.compressionLabel() + opts.batchRows() + ".arrow");
            WrittenFile w = SnapshotWriter.write(f, meta(5, 4), sample(), LAYOUT, opts);
            assertEquals(Files.size(f), w.bytes());
            assertEquals(Sha256.of(f), w.sha256());
            assertEquals(2, w.hotRows());
            assertEquals(2, w.warmRows());
            Snapshot s = SnapshotReader.read(f);
            assertEquals(meta(5, 4), s.metadata());
            assertEquals(sample(), s.rows());
            assertEquals(RowKey.of(0, 3), s.rows().key(0));
            assertEquals(Tier.WARM, s.rows().tier(0));
        }
    }

    @Test
    void derivedColumnsMatchTheLayout(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.arrow");
        SnapshotWriter.write(f, meta(1, -1), sample(), LAYOUT, WriteOptions.DEFAULT);
        try (RootAllocator a = new RootAllocator();
             var ch = Files.newByteChannel(f);
             ArrowFileReader r = new ArrowFileReader(ch, a)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            assertEquals(List.of("layer", "order", "head", "bucket", "row", "tier", "score", "count", "last_access"),
                    root.getSchema().getFields().stream().map(x -> x.getName()).toList());
            assertEquals("15", "" + root.getSchema().getCustomMetadata().get("engram.layer_ids").replaceAll("[^0-9,]", "").split(",")[1]);
            assertTrue(r.loadNextBatch());
            // Row (layer 0, 18): offsets 0,7,18,... -> flat head 2 -> order 3, head 0, bucket 0.
            assertEquals("0,3,0,0,18", rowText(root, 1));
            // Row (layer 0, 3): flat head 0 -> order 2, head 0, bucket 3.
            assertEquals("0,2,0,3,3", rowText(root, 0));
            // Row (layer 1, 40): 31 <= 40 < 48 -> flat head 3 -> order 3, head 1, bucket 9.
            assertEquals("1,3,1,9,40", rowText(root, 3));
        }
    }

    private static String rowText(VectorSchemaRoot root, int i) {
        return root.getVector("layer").getObject(i) + "," + root.getVector("order").getObject(i) + ","
                + root.getVector("head").getObject(i) + "," + root.getVector("bucket").getObject(i) + ","
                + root.getVector("row").getObject(i);
    }

    @Test
    void emptySnapshotRoundTrips(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("e.arrow");
        SnapshotWriter.write(f, meta(1, -1), SnapshotRows.full(0), LAYOUT, WriteOptions.ZSTD);
        assertEquals(0, SnapshotReader.read(f).rows().size());
    }

    @Test
    void writerRejectsUnsortedRowsAndRowsOutsideTheLayout(@TempDir Path dir) {
        SnapshotRows unsorted = SnapshotRows.full(2);
        unsorted.add(RowKey.of(0, 5), Tier.HOT_CODE, 1, 1, 1);
        unsorted.add(RowKey.of(0, 4), Tier.HOT_CODE, 1, 1, 1);
        assertThrows(IllegalArgumentException.class,
                () -> SnapshotWriter.write(dir.resolve("u.arrow"), meta(1, -1), unsorted, LAYOUT, WriteOptions.DEFAULT));
        SnapshotRows outside = SnapshotRows.full(1);
        outside.add(RowKey.of(0, 48), Tier.HOT_CODE, 1, 1, 1);
        assertThrows(IllegalArgumentException.class,
                () -> SnapshotWriter.write(dir.resolve("o.arrow"), meta(1, -1), outside, LAYOUT, WriteOptions.DEFAULT));
        SnapshotRows cold = SnapshotRows.full(1);
        cold.add(RowKey.of(0, 1), Tier.COLD_CODE, 1, 1, 1);
        assertThrows(IllegalArgumentException.class,
                () -> SnapshotWriter.write(dir.resolve("c.arrow"), meta(1, -1), cold, LAYOUT, WriteOptions.DEFAULT));
    }

    @Test
    void readerRejectsAFileThatIsNotASnapshot(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.arrow");
        Files.writeString(f, "this is not arrow at all, just some text long enough");
        assertThrows(IllegalArgumentException.class, () -> SnapshotReader.read(f));
    }

    @Test
    void deltaDiffAndApplyRoundTrip(@TempDir Path dir) throws Exception {
        SnapshotRows before = sample();
        SnapshotRows after = SnapshotRows.full(4);
        after.add(RowKey.of(0, 3), Tier.HOT_CODE, 5, 6, 2500);   // warm -> hot
        after.add(RowKey.of(0, 18), Tier.HOT_CODE, 3.5, 5, 3100); // stays hot (stats change only)
        after.add(RowKey.of(0, 20), Tier.WARM_CODE, 1, 1, 3200);  // cold -> warm
        after.add(RowKey.of(1, 40), Tier.WARM_CODE, 2, 10, 1000); // hot -> warm
        // (1, 0) warm -> cold
        SnapshotRows d = SnapshotDeltas.diff(before, after);
        assertEquals(4, d.size());
        assertEquals(2, SnapshotDeltas.promotions(d));
        assertEquals(2, SnapshotDeltas.demotions(d));
        assertEquals(Tier.COLD_CODE, d.tierCode(d.indexOf(RowKey.of(1, 0))));
        assertEquals(Tier.WARM_CODE, d.previousTierCode(d.indexOf(RowKey.of(1, 0))));

        Path f = dir.resolve("d.arrow");
        SnapshotWriter.write(f, meta(6, 5).asDelta(), d, LAYOUT, WriteOptions.ZSTD);
        Snapshot read = SnapshotReader.read(f);
        assertTrue(read.isDelta());
        assertEquals(d, read.rows());
        SnapshotRows applied = SnapshotDeltas.apply(before, read.rows());
        // Rows not in the delta keep their old statistics; tiers all match.
        assertArrayEquals(after.keys(), applied.keys());
        for (int i = 0; i < applied.size(); i++) assertEquals(after.tierCode(i), applied.tierCode(i));
        assertThrows(IllegalArgumentException.class, () -> SnapshotDeltas.apply(after, d), "applying to the wrong base must fail");
    }

    @Test
    void manifestJsonRoundTrip() {
        SnapshotManifest m = new SnapshotManifest(1, 7, 6L, "aa", "bb", 123, new SourcePosition(Map.of("t-0", 5L), 99, 1000, "x"),
                "snapshot-000000000007.arrow", "file:/tmp/s", "ab".repeat(32), 4096, "zstd", 3, 10, 2, 1,
                new SnapshotManifest.DeltaFile("delta-000000000007.arrow", "file:/tmp/d", "cd".repeat(32), 100, 6, 3),
                TierBudgets.perLayer(64, new long[]{128, 64}, new long[]{640, 0}),
                new CoverageCurve(List.of(new CoverageCurve.Point(1, 64, 0.5), new CoverageCurve.Point(2, 128, 0.75))));
        String json = m.toJson();
        assertTrue(json.contains("\"previousVersion\" : 6"), json);
        assertEquals(m, SnapshotManifest.fromJson(json));
        assertEquals(0.5, SnapshotManifest.fromJson(json).coverage().shareAt(1));
        // Unknown fields from newer writers are ignored.
        assertEquals(m, SnapshotManifest.fromJson(json.replaceFirst("\\{", "{\"futureField\": 1,")));
        assertThrows(IllegalArgumentException.class, () -> SnapshotManifest.fromJson("{\"version\": 0}"));
    }
}
