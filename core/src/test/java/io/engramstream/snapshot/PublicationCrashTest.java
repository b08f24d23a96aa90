package io.engramstream.snapshot;

import static io.engramstream.snapshot.SnapshotFileTest.LAYOUT;
import static io.engramstream.snapshot.SnapshotFileTest.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.spec.RowKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher's process dies at every single change it makes while publishing a version (each
 * file opened, each write, each fsync, each rename, each delete), one step later each time; then
 * it restarts and recovers as the job does: with the pending snapshot when the crash came after
 * the checkpoint that holds it completed (during commit), without it otherwise (during prepare).
 * After every crash, a reader (and the recovered directory) sees either the old version or the
 * new one, complete and equal to its manifest, never a missing, partial or foreign file; and
 * recovery leaves no temporary or unnamed files behind.
 */
class PublicationCrashTest {
    @TempDir Path tmp;

    static SnapshotRows rows(int n, int salt) {
        SnapshotRows r = SnapshotRows.full(n);
        for (int i = 0; i < n; i++) r.add(RowKey.of(i % 2, ((i / 2) * 2L + salt) % 48), i % 3 == 0 ? Tier.HOT_CODE : Tier.WARM_CODE, 100 - i, i, i);
        return r.sortByKey();
    }

    /** What a reader can see in {@code dir} is complete and consistent; returns the version LATEST names (0: none). */
    static long assertReadable(Path dir, SnapshotRows v1, SnapshotRows v2, String what) throws Exception {
        SnapshotDirectoryTest.assertConsistent(dir);
        Optional<SnapshotManifest> latest = SnapshotDirectory.readLatest(dir);
        if (latest.isEmpty()) return 0;
        Snapshot s = new SnapshotDirectory(dir, 3).readLatestSnapshot().orElseThrow();
        long v = latest.get().version();
        assertEquals(v == 1 ? v1 : v2, s.rows(), what + ": LATEST version " + v + " holds other rows");
        return v;
    }

    static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    @Test
    void aCrashAtEveryStepOfPublicationLeavesTheOldOrTheNewVersionComplete() throws Exception {
        SnapshotRows v1 = rows(30, 1), v2 = rows(40, 2);
        SnapshotRows delta = SnapshotDeltas.diff(v1, v2);
        int steps = 0;
        List<String> crashSites = new ArrayList<>();
        // (one write mode: compression changes the bytes, not the protocol)
        for (WriteOptions opts : List.of(WriteOptions.DEFAULT)) {
            for (int crashAt = 1; ; crashAt++) {
                Path dir = tmp.resolve(opts.compressionLabel() + "-" + crashAt);
                new SnapshotDirectory(dir, 3).publish(meta(1, -1), v1, null, LAYOUT, opts, CoverageCurve.EMPTY);

                CrashingFileSystem fs = new CrashingFileSystem(crashAt);
                SnapshotDirectory publisher = new SnapshotDirectory(fs.wrap(dir), 3);
                PendingSnapshot pending = null;
                boolean committing = false;
                String site = "none";
                try {
                    pending = publisher.prepare(meta(2, 1), v2, delta, LAYOUT, opts, CoverageCurve.EMPTY);
                    committing = true; // the checkpoint holding `pending` completed; commit runs in notifyCheckpointComplete
                    publisher.commit(pending);
                } catch (CrashingFileSystem.Crash crash) {
                    site = crash.getMessage();
                } catch (Exception other) {
                    if (!fs.crashed()) throw other;
                    site = other.toString(); // a crash surfaced through another exception type
                }
                String what = opts.compressionLabel() + " crash " + crashAt + " (" + site + (committing ? ", in commit" : ", in prepare") + ")";
                if (!fs.crashed()) {
                    // Past the last step: the publication completed.
                    assertEquals(2, assertReadable(dir, v1, v2, what));
                    break;
                }
                steps++;
                crashSites.add(site);

                // Another process looks right now, before any recovery.
                long seen = assertReadable(dir, v1, v2, what + ", before recovery");
                assertTrue(seen == 1 || seen == 2, what);

                // The job restarts: recovery with the pending snapshot if its checkpoint had completed.
                SnapshotDirectory restarted = new SnapshotDirectory(dir, 3);
                restarted.recover(committing ? List.of(pending) : List.of());
                long after = assertReadable(dir, v1, v2, what + ", after recovery");
                assertEquals(committing ? 2 : 1, after, what + ": recovered version");
                for (String f : files(dir)) {
                    assertTrue(!f.endsWith(".tmp"), what + ": temporary file left: " + f);
                }
                Set<String> named = new java.util.HashSet<>();
                for (SnapshotManifest m : SnapshotDirectory.listManifests(dir)) {
                    named.add(m.file());
                    if (m.delta() != null) named.add(m.delta().file());
                }
                for (String f : files(dir)) {
                    if (f.endsWith(".arrow")) assertTrue(named.contains(f), what + ": unnamed data file left: " + f);
                }
                // And the next publication after recovery works.
                restarted.publish(meta(after + 1, after), v1, null, LAYOUT, opts, CoverageCurve.EMPTY);
                assertEquals(after + 1, assertReadable(dir, v1, v1, what + ", next publication"));
                if (crashAt > 500) fail("publication never completed");
            }
        }
        assertTrue(steps > 20, "crashed at only " + steps + " steps: " + crashSites);
        assertTrue(crashSites.stream().anyMatch(s -> s.contains("rename")) && crashSites.stream().anyMatch(s -> s.contains("LATEST"))
                && crashSites.stream().anyMatch(s -> s.contains("fsync")) && crashSites.stream().anyMatch(s -> s.contains("write")),
                "crash sites: " + crashSites);
    }
}
