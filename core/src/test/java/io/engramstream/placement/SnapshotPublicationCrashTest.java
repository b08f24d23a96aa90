package io.engramstream.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.config.EngramConfig;
import io.engramstream.snapshot.CrashingFileSystem;
import io.engramstream.snapshot.ManifestOutbox;
import io.engramstream.snapshot.ManifestSink;
import io.engramstream.snapshot.Snapshot;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-job publication path ({@link StatsSnapshotPublisher#publishOnce} with a manifest sink, as a
 * statistics subtask runs it) dies at every change it makes to the snapshot directory, one step
 * later each time: while writing the snapshot under its temporary name, at the rename, at the
 * version manifest, at {@code LATEST}, after the manifest was sent but before the outbox marker,
 * at the marker. Before recovery a reader sees the old or the new version complete; then the
 * job restarts and publishes the restored statistics again, and afterwards: {@code LATEST} names the
 * new statistics, verifies, no temporary or unnamed file is left, and the last manifest the "topic"
 * received is {@code LATEST}.
 */
class SnapshotPublicationCrashTest {
    @TempDir Path tmp;

    /** A manifest topic in memory: what was sent, in order. */
    static final class RecordingSink implements ManifestSink {
        final List<SnapshotManifest> sent = new ArrayList<>();
        @Override public String destination() { return "test:manifests"; }
        @Override public void send(SnapshotManifest m) { sent.add(m); }
        SnapshotManifest last() { return sent.isEmpty() ? null : sent.get(sent.size() - 1); }
    }

    static EngramConfig config() {
        int b = StatsPublications.SPEC.bytesPerRow();
        return new EngramConfig().set(PlacementOptions.HOT_BYTES, 40L * b).set(PlacementOptions.WARM_BYTES, 200L * b);
    }

    static void assertSameManifest(SnapshotManifest expected, SnapshotManifest actual, String what) {
        assertTrue(actual != null, what + ": nothing sent");
        assertEquals(expected.version(), actual.version(), what + ": version");
        assertEquals(expected.sha256(), actual.sha256(), what + ": sha256");
        assertEquals(expected.file(), actual.file(), what + ": file");
    }

    /** LATEST (if any) names a complete file that verifies; every manifest on disk names a file that exists. */
    static long assertReadable(Path dir, String what) throws Exception {
        if (SnapshotDirectory.readLatest(dir).isEmpty()) return 0;
        SnapshotDirectory d = new SnapshotDirectory(dir, 10);
        Snapshot s = d.readLatestSnapshot().orElseThrow();
        for (SnapshotManifest m : SnapshotDirectory.listManifests(dir)) {
            assertTrue(Files.isRegularFile(dir.resolve(m.file())), what + ": manifest " + m.version() + " names a missing file");
        }
        return s.version();
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void aCrashAtEveryStepOfAnInJobPublicationEndsWithLatestOnTheTopic() throws Exception {
        List<String> sites = new ArrayList<>();
        // The state before the crashing publication: statistics cp-1 published as v1 and sent, cp-2 complete.
        Path template = tmp.resolve("template");
        StatsPublications.write(template.resolve("out"), "cp-000000000001", 300, 2, 1000, 0, false, 1);
        RecordingSink first = new RecordingSink();
        SnapshotManifest v1 = StatsSnapshotPublisher.publishOnce(template.resolve("out"), "cp-000000000001",
                template.resolve("snapshots"), config(), first, StatsSnapshotPublisher.Steps.NONE).orElseThrow();
        StatsPublications.write(template.resolve("out"), "cp-000000000002", 400, 2, 2000, 0, false, 2);
        for (int crashAt = 1, next = 1; ; crashAt = next) {
            Path work = tmp.resolve("c" + crashAt), stats = work.resolve("out"), snaps = work.resolve("snapshots");
            copyTree(template, work);
            RecordingSink topic = new RecordingSink();
            topic.sent.addAll(first.sent);

            CrashingFileSystem fs = new CrashingFileSystem(crashAt);
            String site = "none";
            try {
                StatsSnapshotPublisher.publishOnce(stats, "cp-000000000002", fs.wrap(snaps), config(), topic,
                        StatsSnapshotPublisher.Steps.NONE);
            } catch (CrashingFileSystem.Crash c) {
                site = c.getMessage();
            } catch (Exception other) {
                if (!fs.crashed()) throw other;
                site = other.toString();
            }
            String what = "crash " + crashAt + " (" + site + ")";
            if (!fs.crashed()) {
                assertEquals(2, assertReadable(snaps, what));
                assertSameManifest(SnapshotDirectory.readLatest(snaps).orElseThrow(), topic.last(), what);
                break;
            }
            sites.add(site);
            // The snapshot file takes many small writes, all one step ("temp file written in part"): sample them.
            next = crashAt + (site.contains(".arrow.tmp") ? 7 : 1);
            long seen = assertReadable(snaps, what + ", before recovery");
            assertTrue(seen == 1 || seen == 2, what + ": version " + seen);

            // The job restarts from the checkpoint that holds cp-2 and publishes it again.
            StatsSnapshotPublisher.publishOnce(stats, "cp-000000000002", snaps, config(), topic, StatsSnapshotPublisher.Steps.NONE);
            SnapshotManifest latest = SnapshotDirectory.readLatest(snaps).orElseThrow();
            assertEquals("statistics cp-000000000002", latest.source().description(), what);
            assertReadable(snaps, what + ", after recovery");
            assertSameManifest(latest, topic.last(), what + ": the topic's last manifest");
            assertEquals(latest.version(), ManifestOutbox.lastSent(snaps).orElseThrow().version(), what + ": outbox marker");
            assertTrue(topic.sent.size() <= 3, what + ": at most one duplicate: " + topic.sent.size() + " sends");
            assertSameManifest(v1, topic.sent.get(0), what);
            Set<String> named = new java.util.HashSet<>();
            for (SnapshotManifest m : SnapshotDirectory.listManifests(snaps)) {
                named.add(m.file());
                if (m.delta() != null) named.add(m.delta().file());
            }
            for (String f : files(snaps)) {
                assertTrue(!f.endsWith(".tmp"), what + ": temporary file left: " + f);
                if (f.endsWith(".arrow")) assertTrue(named.contains(f), what + ": unnamed data file left: " + f);
            }
            if (crashAt > 300) fail("the publication never completed");
        }
        assertTrue(sites.size() > 12, "crashed at only " + sites.size() + " steps: " + sites);
        for (String step : List.of(".snapshot-000000000002.arrow.tmp", "rename", "LATEST", ManifestOutbox.MARKER)) {
            assertTrue(sites.stream().anyMatch(s -> s.contains(step)), "no crash at " + step + ": " + sites);
        }
    }

    @Test
    void aRestartSendsLatestWhenTheMarkerIsBehindAndNothingWhenItIsNot() throws Exception {
        Path stats = tmp.resolve("out"), snaps = tmp.resolve("snapshots");
        StatsPublications.write(stats, "final", 300, 2, 1000, 0, false, 3);
        StatsSnapshotPublisher.publishOnce(stats, "final", snaps, config());   // published, never sent (a crash before the send)
        RecordingSink topic = new RecordingSink();
        assertTrue(StatsSnapshotPublisher.sendLatestIfBehind(snaps, 10, topic).isPresent(), "LATEST sent at restart");
        assertSameManifest(SnapshotDirectory.readLatest(snaps).orElseThrow(), topic.last(), "restart");
        assertTrue(StatsSnapshotPublisher.sendLatestIfBehind(snaps, 10, topic).isEmpty(), "not sent twice");
        // An older statistics publication completing late does not replace the final placement.
        StatsPublications.write(stats, "cp-000000000009", 300, 2, 900, 0, false, 4);
        assertTrue(StatsSnapshotPublisher.publishOnce(stats, "cp-000000000009", snaps, config(), topic,
                StatsSnapshotPublisher.Steps.NONE).isEmpty(), "older statistics are not published over newer ones");
        assertEquals(1, topic.sent.size());
        // A damaged LATEST file is never announced.
        SnapshotManifest m = SnapshotDirectory.readLatest(snaps).orElseThrow();
        Files.delete(snaps.resolve(ManifestOutbox.MARKER));
        Files.write(snaps.resolve(m.file()), new byte[] {1, 2, 3});
        try {
            StatsSnapshotPublisher.sendLatestIfBehind(snaps, 10, topic);
            fail("a damaged snapshot was announced");
        } catch (java.io.IOException expected) {
            assertTrue(expected.getMessage().contains("does not match"), expected.getMessage());
        }
        assertEquals(1, topic.sent.size());
    }

    @Test
    void aLaterRunsStatisticsSupersedeAnEarlierRunsWhateverTheirTags() throws Exception {
        Path stats = tmp.resolve("out"), snaps = tmp.resolve("snapshots");
        StatsPublications.write(stats, "final", 300, 2, 1000, 0, false, 5);
        RecordingSink topic = new RecordingSink();
        var steps = StatsSnapshotPublisher.Steps.NONE;
        assertEquals(1, StatsSnapshotPublisher.publishOnce(stats, "final", 100, snaps, config(), topic, steps).orElseThrow().version());
        assertTrue(StatsSnapshotPublisher.publishOnce(stats, "final", 100, snaps, config(), topic, steps).isEmpty(), "same run, same tag");
        // A second bounded run into the same directory (its statistics are "final" too).
        StatsPublications.write(stats, "final", 400, 2, 2000, 0, false, 6);
        SnapshotManifest v2 = StatsSnapshotPublisher.publishOnce(stats, "final", 200, snaps, config(), topic, steps).orElseThrow();
        assertEquals(2, v2.version());
        assertEquals(StatsSnapshotPublisher.source("final", 200), v2.source().description());
        // The earlier run's late checkpoint statistics do not replace it.
        StatsPublications.write(stats, "cp-000000000042", 300, 2, 1500, 0, false, 7);
        assertTrue(StatsSnapshotPublisher.publishOnce(stats, "cp-000000000042", 100, snaps, config(), topic, steps).isEmpty());
        assertEquals(2, topic.sent.size());
        assertSameManifest(v2, topic.last(), "second run");
    }
}
