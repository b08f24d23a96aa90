package io.engramstream.store;

import static io.engramstream.store.TieredEmbeddingStoreTest.assertLookup;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDeltas;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store follows snapshots published with the placement module's own SnapshotDirectory. */
class SnapshotFollowerTest {
    @TempDir Path tmp;

    private static RowLayout rowLayout(EngramSpec spec) {
        long[][] offsets = new long[spec.numLayers()][];
        for (int l = 0; l < offsets.length; l++) offsets[l] = spec.headOffsets(l);
        return new RowLayout(spec.layerIds(), spec.headsPerNgram(), offsets);
    }

    /** A random full snapshot: each row hot with probability h, warm with w. */
    private static SnapshotRows randomRows(StoreLayout layout, Random r, double h, double w) {
        SnapshotRows rows = SnapshotRows.full(1024);
        for (int l = 0; l < layout.numLayers(); l++) {
            for (long row = 0; row < layout.rowsPerLayer(l); row++) {
                double u = r.nextDouble();
                if (u < h) rows.add(RowKey.of(l, row), Tier.HOT_CODE, 1.0, 10, 0);
                else if (u < h + w) rows.add(RowKey.of(l, row), Tier.WARM_CODE, 0.5, 5, 0);
            }
        }
        return rows;
    }

    private static SnapshotManifest publish(SnapshotDirectory d, EngramSpec spec, String canon, long v, SnapshotRows rows, SnapshotRows prev) throws Exception {
        SnapshotMetadata md = SnapshotMetadata.full(v, prev == null ? -1 : v - 1, spec.fingerprint(), canon, System.currentTimeMillis(),
                SourcePosition.NONE, null, spec.layerIds());
        SnapshotRows delta = prev == null ? null : SnapshotDeltas.diff(prev, rows);
        return d.publish(md, rows, delta, rowLayout(spec), WriteOptions.DEFAULT, CoverageCurve.EMPTY);
    }

    private static void flipByte(Path f, long pos) throws Exception {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 0x5A));
            b.rewind();
            ch.write(b, pos);
        }
    }

    @Test
    void seedsFromLatestThenAppliesDeltasAndRejectsBadFiles() throws Exception {
        TestTables t = new TestTables(tmp, RowFormat.FP32, 21);
        String canon = "c0ffee0000000001";
        SnapshotDirectory d = new SnapshotDirectory(tmp.resolve("snapshots"), 10);
        Random r = new Random(8);
        SnapshotRows v1 = randomRows(t.layout, r, 0.1, 0.2);
        publish(d, t.spec, canon, 1, v1, null);
        try (TieredEmbeddingStore store = t.store().canonicalMapFingerprint(canon).followSnapshots(d.dir(), Duration.ZERO).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            SnapshotFollower f = store.follower();
            assertEquals("1", store.snapshotId(), "seeded from LATEST when the store opened");
            assertArrayEquals(v1.keys(Tier.HOT), store.hotKeys());
            assertArrayEquals(v1.keys(Tier.WARM), store.warmKeys());
            assertEquals(SnapshotFollower.Outcome.UNCHANGED, f.poll());

            SnapshotRows v2 = randomRows(t.layout, r, 0.15, 0.2);
            publish(d, t.spec, canon, 2, v2, v1);
            assertEquals(SnapshotFollower.Outcome.APPLIED_DELTA, f.poll());
            assertEquals("2", store.snapshotId());
            assertArrayEquals(v2.keys(Tier.HOT), store.hotKeys());
            assertArrayEquals(v2.keys(Tier.WARM), store.warmKeys());

            // a corrupt delta falls back to the (intact) full snapshot
            SnapshotRows v3 = randomRows(t.layout, r, 0.05, 0.3);
            SnapshotManifest m3 = publish(d, t.spec, canon, 3, v3, v2);
            flipByte(d.resolve(m3.delta().file()), m3.delta().bytes() / 2);
            assertEquals(SnapshotFollower.Outcome.APPLIED_FULL, f.poll());
            assertEquals("3", store.snapshotId());
            assertArrayEquals(v3.keys(Tier.HOT), store.hotKeys());
            assertEquals(1, store.metrics().rejectedSnapshots());
            assertTrue(store.metrics().lastRejection().contains("sha256"), store.metrics().lastRejection());

            // corrupt full snapshot and delta: rejected, the store keeps serving v3, and v4 is not retried
            SnapshotManifest m4 = publish(d, t.spec, canon, 4, randomRows(t.layout, r, 0.2, 0.2), v3);
            flipByte(d.resolve(m4.file()), m4.bytes() / 2);
            Files.delete(d.resolve(m4.delta().file()));
            long epoch = store.placementEpoch();
            assertEquals(SnapshotFollower.Outcome.REJECTED, f.poll());
            assertEquals("3", store.snapshotId());
            assertEquals(epoch, store.placementEpoch());
            assertArrayEquals(v3.keys(Tier.HOT), store.hotKeys());
            long rejected = store.metrics().rejectedSnapshots();
            assertEquals(SnapshotFollower.Outcome.UNCHANGED, f.poll());
            assertEquals(rejected, store.metrics().rejectedSnapshots());

            // truncated
            SnapshotRows v5 = randomRows(t.layout, r, 0.2, 0.2);
            SnapshotManifest m5 = publish(d, t.spec, canon, 5, v5, null);
            try (FileChannel ch = FileChannel.open(d.resolve(m5.file()), StandardOpenOption.WRITE)) { ch.truncate(m5.bytes() - 10); }
            assertEquals(SnapshotFollower.Outcome.REJECTED, f.poll());
            assertTrue(store.metrics().lastRejection().contains("truncated"), store.metrics().lastRejection());

            // another spec, another canonical map
            EngramSpec other = t.spec.toBuilder().seed(1).build();
            publish(d, other, canon, 6, v5, null);
            assertEquals(SnapshotFollower.Outcome.REJECTED, f.poll());
            assertTrue(store.metrics().lastRejection().contains("spec " + other.fingerprint()), store.metrics().lastRejection());
            publish(d, t.spec, "ffff000000000000", 7, v5, null);
            assertEquals(SnapshotFollower.Outcome.REJECTED, f.poll());
            assertTrue(store.metrics().lastRejection().contains("canonical map"), store.metrics().lastRejection());
            assertEquals("3", store.snapshotId());

            // a LATEST that is not a manifest
            Path latest = d.resolve(SnapshotDirectory.LATEST);
            String good = Files.readString(latest);
            Files.writeString(latest, "{not json");
            long before = store.metrics().rejectedSnapshots();
            assertEquals(SnapshotFollower.Outcome.REJECTED, f.poll());
            assertEquals(before + 1, store.metrics().rejectedSnapshots());
            assertTrue(store.metrics().lastRejection().contains("unreadable"), store.metrics().lastRejection());
            assertEquals("3", store.snapshotId());
            Files.writeString(latest, good);

            // a good one again
            publish(d, t.spec, canon, 8, v5, null);
            assertEquals(SnapshotFollower.Outcome.APPLIED_FULL, f.poll());
            assertArrayEquals(v5.keys(Tier.HOT), store.hotKeys());
            for (int i = 0; i < 3; i++) {
                var batch = TestTables.randomBatch(r, 2, 30);
                assertLookup(t, batch, store.lookup(m, batch), "after following");
            }
        }
    }

    @Test
    void followsNewVersionsInTheBackground() throws Exception {
        TestTables t = new TestTables(tmp, RowFormat.FP16, 22);
        SnapshotDirectory d = new SnapshotDirectory(tmp.resolve("snapshots"), 3);
        Random r = new Random(3);
        try (TieredEmbeddingStore store = t.store().followSnapshots(d.dir(), Duration.ofMillis(50)).build()) {
            assertEquals("", store.snapshotId(), "no snapshot yet: cold-only");
            SnapshotRows prev = null;
            for (long v = 1; v <= 3; v++) {
                SnapshotRows rows = randomRows(t.layout, r, 0.1, 0.1);
                publish(d, t.spec, "", v, rows, prev);
                prev = rows;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!store.snapshotId().equals(Long.toString(v)) && System.nanoTime() < deadline) Thread.sleep(20);
                assertEquals(Long.toString(v), store.snapshotId());
                assertArrayEquals(rows.keys(Tier.HOT), store.hotKeys());
            }
        }
    }
}
