package io.engramstream.snapshot;

import static io.engramstream.snapshot.SnapshotFileTest.LAYOUT;
import static io.engramstream.snapshot.SnapshotFileTest.meta;
import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.spec.RowKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotDirectoryTest {

    static SnapshotRows rows(int hot, int salt) {
        SnapshotRows r = SnapshotRows.full(hot);
        for (int i = 0; i < hot; i++) r.add(RowKey.of(0, (i * 5L + salt) % 48), Tier.HOT_CODE, 10 - i, i, i);
        return r.sortByKey();
    }

    static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Every manifest that a reader can see names files that exist, are complete and match their checksum. */
    static void assertConsistent(Path dir) throws Exception {
        Set<SnapshotManifest> visible = new java.util.HashSet<>(SnapshotDirectory.listManifests(dir));
        SnapshotDirectory.readLatest(dir).ifPresent(visible::add);
        for (SnapshotManifest m : visible) {
            Path f = dir.resolve(m.file());
            assertTrue(Files.exists(f), "manifest " + m.version() + " names missing " + m.file());
            assertEquals(m.sha256(), Sha256.of(f));
            assertEquals(m.hotRows(), SnapshotReader.read(f).rows().count(Tier.HOT));
            if (m.delta() != null) assertEquals(m.delta().sha256(), Sha256.of(dir.resolve(m.delta().file())));
        }
    }

    @Test
    void publishWritesFileManifestAndLatest(@TempDir Path dir) throws Exception {
        SnapshotDirectory sd = new SnapshotDirectory(dir, 3);
        assertEquals(1, sd.nextVersion());
        assertTrue(sd.latest().isEmpty());
        SnapshotManifest m1 = sd.publish(meta(1, -1), rows(3, 0), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        assertEquals(Set.of("snapshot-000000000001.arrow", "snapshot-000000000001.json", "LATEST"), files(dir));
        assertEquals(m1, sd.latest().orElseThrow());
        assertNull(m1.previousVersion());
        assertEquals(-1, m1.promotions());
        assertEquals(2, sd.nextVersion());

        SnapshotRows next = rows(3, 1);
        SnapshotRows delta = SnapshotDeltas.diff(rows(3, 0), next);
        SnapshotManifest m2 = sd.publish(meta(2, 1), next, delta, LAYOUT, WriteOptions.ZSTD, CoverageCurve.EMPTY);
        assertEquals(2, sd.latest().orElseThrow().version());
        assertEquals(1L, m2.previousVersion());
        assertEquals("zstd", m2.compression());
        assertEquals(3, m2.promotions());
        assertEquals(3, m2.demotions());
        assertEquals("delta-000000000002.arrow", m2.delta().file());
        assertEquals(next, sd.readLatestSnapshot().orElseThrow().rows());
        assertConsistent(dir);
    }

    @Test
    void retentionKeepsTheNewestVersions(@TempDir Path dir) throws Exception {
        SnapshotDirectory sd = new SnapshotDirectory(dir, 2);
        SnapshotRows prev = null;
        for (int v = 1; v <= 5; v++) {
            SnapshotRows r = rows(4, v);
            sd.publish(meta(v, v - 1 > 0 ? v - 1 : -1), r, prev == null ? null : SnapshotDeltas.diff(prev, r), LAYOUT,
                    WriteOptions.DEFAULT, CoverageCurve.EMPTY);
            prev = r;
        }
        assertEquals(List.of(4L, 5L), sd.manifests().stream().map(SnapshotManifest::version).toList());
        assertEquals(Set.of("snapshot-000000000004.arrow", "snapshot-000000000004.json", "delta-000000000004.arrow",
                "snapshot-000000000005.arrow", "snapshot-000000000005.json", "delta-000000000005.arrow", "LATEST"), files(dir));
        assertConsistent(dir);
    }

    @Test
    void crashAfterPrepareLeavesTheOldVersionVisibleAndRecoveryCleansUp(@TempDir Path dir) throws Exception {
        SnapshotDirectory sd = new SnapshotDirectory(dir, 3);
        sd.publish(meta(1, -1), rows(3, 0), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        PendingSnapshot p = sd.prepare(meta(2, 1), rows(3, 1), SnapshotDeltas.diff(rows(3, 0), rows(3, 1)), LAYOUT,
                WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        // "Crash": the process dies here. Readers still see version 1 only, fully intact.
        assertEquals(1, SnapshotDirectory.readLatest(dir).orElseThrow().version());
        assertFalse(files(dir).contains("snapshot-000000000002.arrow"));
        assertConsistent(dir);
        // Restart without the pending snapshot in restored state (its checkpoint never completed).
        SnapshotDirectory restarted = new SnapshotDirectory(dir, 3);
        assertEquals(List.of(), restarted.recover(List.of()));
        assertEquals(Set.of("snapshot-000000000001.arrow", "snapshot-000000000001.json", "LATEST"), files(dir));
        assertThrows(IllegalStateException.class, () -> restarted.commit(p), "files of an aborted pending snapshot are gone");
        assertEquals(1, restarted.latest().orElseThrow().version());
        assertConsistent(dir);
    }

    @Test
    void crashInTheMiddleOfCommitNeverExposesAMissingFile(@TempDir Path dir) throws Exception {
        SnapshotDirectory sd = new SnapshotDirectory(dir, 3);
        sd.publish(meta(1, -1), rows(3, 0), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        PendingSnapshot p = sd.prepare(meta(2, 1), rows(3, 1), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        // Simulate a crash after the rename of the data file and before any manifest was written.
        Files.move(dir.resolve(p.tempFile()), dir.resolve(p.manifest().file()));
        assertEquals(1, SnapshotDirectory.readLatest(dir).orElseThrow().version());
        assertConsistent(dir);
        // Restart from a checkpoint that holds the pending snapshot: recovery completes the commit.
        SnapshotDirectory restarted = new SnapshotDirectory(dir, 3);
        assertEquals(List.of(2L), restarted.recover(List.of(p)).stream().map(SnapshotManifest::version).toList());
        assertEquals(2, restarted.latest().orElseThrow().version());
        assertConsistent(dir);
        // Committing again (a second restore) is harmless.
        restarted.commit(p);
        assertEquals(2, restarted.latest().orElseThrow().version());
    }

    @Test
    void recoveryDeletesPartialTempFilesAndUnnamedData(@TempDir Path dir) throws Exception {
        SnapshotDirectory sd = new SnapshotDirectory(dir, 3);
        sd.publish(meta(1, -1), rows(3, 0), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        Files.write(dir.resolve(".snapshot-000000000002.arrow.tmp"), new byte[100]); // died while writing
        Files.write(dir.resolve(".LATEST.tmp"), "{\"vers".getBytes());              // died while writing LATEST
        Files.write(dir.resolve("snapshot-000000000003.arrow"), new byte[10]);      // renamed, never committed
        Files.writeString(dir.resolve("notes.txt"), "user file");
        new SnapshotDirectory(dir, 3).recover(List.of());
        assertEquals(Set.of("snapshot-000000000001.arrow", "snapshot-000000000001.json", "LATEST", "notes.txt"), files(dir));
        assertConsistent(dir);
    }

    @Test
    void abortRemovesThePendingFilesAndLatestNeverGoesBack(@TempDir Path dir) throws Exception {
        SnapshotDirectory sd = new SnapshotDirectory(dir, 5);
        PendingSnapshot p = sd.prepare(meta(1, -1), rows(2, 0), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        sd.abort(p);
        assertEquals(Set.of(), files(dir));
        PendingSnapshot old = sd.prepare(meta(2, -1), rows(2, 0), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        sd.publish(meta(3, -1), rows(2, 1), null, LAYOUT, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        sd.commit(old);
        assertEquals(3, sd.latest().orElseThrow().version());
        assertEquals(4, sd.nextVersion());
    }
}
