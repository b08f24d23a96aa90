package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.SnapshotManifests;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Manifests arrive on a real (in-process KRaft) broker; the files come from the snapshot directory. */
class ManifestTopicFollowerTest {
    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();
    @TempDir Path tmp;

    private static SnapshotManifest publish(SnapshotDirectory d, EngramSpec spec, long v, long[] hot, long[] warm) throws Exception {
        SnapshotRows rows = SnapshotRows.full(hot.length + warm.length);
        for (long k : hot) rows.add(k, Tier.HOT_CODE, 1, 1, 0);
        for (long k : warm) rows.add(k, Tier.WARM_CODE, 1, 1, 0);
        long[][] offsets = new long[spec.numLayers()][];
        for (int l = 0; l < offsets.length; l++) offsets[l] = spec.headOffsets(l);
        return d.publish(SnapshotMetadata.full(v, v - 1 > 0 ? v - 1 : -1, spec.fingerprint(), "", System.currentTimeMillis(), SourcePosition.NONE, null, spec.layerIds()),
                rows.sortByKey(), null, new RowLayout(spec.layerIds(), spec.headsPerNgram(), offsets), WriteOptions.DEFAULT, CoverageCurve.EMPTY);
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(25);
        }
    }

    @Test
    void appliesThisSpecsManifestsFromTheTopicAndRejectsGarbage() throws Exception {
        String topic = KafkaTestCluster.uniqueTopic("manifests");
        KAFKA.createTopic(topic, 1);
        TestTables t = new TestTables(tmp, RowFormat.FP32, 31);
        SnapshotDirectory d = new SnapshotDirectory(tmp.resolve("snapshots"), 5);
        byte[] key = t.spec.fingerprint().getBytes(StandardCharsets.UTF_8);
        SnapshotManifest m1 = publish(d, t.spec, 1, new long[] {RowKey.of(0, 1), RowKey.of(1, 2)}, new long[] {RowKey.of(0, 3)});
        KAFKA.produce(topic, key, Codecs.SNAPSHOT_MANIFEST.encode(SnapshotManifests.toAvro(m1)));   // before the store starts: read from the beginning
        try (TieredEmbeddingStore store = t.store().followManifestTopic(KAFKA.clientProperties(), topic).build()) {
            await(() -> store.snapshotId().equals("1"), "version 1 from the topic");
            assertArrayEquals(new long[] {RowKey.of(0, 1), RowKey.of(1, 2)}, store.hotKeys());

            KAFKA.produce(topic, key, new byte[] {1, 2, 3, 4});    // not a manifest
            await(() -> store.metrics().rejectedSnapshots() == 1, "the garbage record's rejection");
            assertTrue(store.metrics().lastRejection().contains("does not decode"), store.metrics().lastRejection());

            EngramSpec other = t.spec.toBuilder().seed(9).build();   // another spec's manifest: skipped, not rejected
            SnapshotManifest foreign = publish(new SnapshotDirectory(tmp.resolve("other"), 2), other, 7, new long[] {RowKey.of(0, 9)}, new long[0]);
            KAFKA.produce(topic, other.fingerprint().getBytes(StandardCharsets.UTF_8), Codecs.SNAPSHOT_MANIFEST.encode(SnapshotManifests.toAvro(foreign)));

            SnapshotManifest m2 = publish(d, t.spec, 2, new long[] {RowKey.of(1, 5)}, new long[] {RowKey.of(0, 6), RowKey.of(1, 7)});
            KAFKA.produce(topic, key, Codecs.SNAPSHOT_MANIFEST.encode(SnapshotManifests.toAvro(m2)));
            await(() -> store.snapshotId().equals("2"), "version 2 from the topic");
            assertArrayEquals(new long[] {RowKey.of(1, 5)}, store.hotKeys());
            assertArrayEquals(new long[] {RowKey.of(0, 6), RowKey.of(1, 7)}, store.warmKeys());
            assertEquals(1, store.metrics().rejectedSnapshots());

            // Duplicates (a publisher re-announcing LATEST after a crash) and an old version again are ignored, not rejected.
            KAFKA.produce(topic, key, Codecs.SNAPSHOT_MANIFEST.encode(SnapshotManifests.toAvro(m2)));
            KAFKA.produce(topic, key, Codecs.SNAPSHOT_MANIFEST.encode(SnapshotManifests.toAvro(m1)));
            SnapshotManifest m3 = publish(d, t.spec, 3, new long[] {RowKey.of(0, 8)}, new long[0]);
            KAFKA.produce(topic, key, Codecs.SNAPSHOT_MANIFEST.encode(SnapshotManifests.toAvro(m3)));
            await(() -> store.snapshotId().equals("3"), "version 3 after the duplicates");
            assertArrayEquals(new long[] {RowKey.of(0, 8)}, store.hotKeys());
            assertEquals(1, store.metrics().rejectedSnapshots(), "duplicates are not rejections");
        }
    }
}
