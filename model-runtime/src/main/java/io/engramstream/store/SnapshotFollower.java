package io.engramstream.store;

import io.engramstream.snapshot.Sha256;
import io.engramstream.snapshot.Snapshot;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotKind;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotReader;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a store on the newest published snapshot: polls a snapshot directory's {@code LATEST}
 * (or is handed manifests from the manifest topic), verifies the files (size, SHA-256, kind,
 * version, spec and canonical-map fingerprints) and applies a delta when it applies to the
 * snapshot the store serves, else the full snapshot. The store builds the new placement and swaps
 * it in; anything wrong is a rejection with a logged reason, and the store keeps what it had.
 * A rejected version is not retried until a newer one is published. Versions never go back.
 */
public final class SnapshotFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFollower.class);

    private final TieredEmbeddingStore store;
    private final Path dir;
    private ScheduledExecutorService timer;
    private long rejectedVersion = -1;
    private String rejectedSha = null;

    /** What one poll or manifest did. */
    public enum Outcome { NO_SNAPSHOT, UNCHANGED, APPLIED_FULL, APPLIED_DELTA, REJECTED }

    /** @param dir the snapshot directory, or null when only {@link #apply(SnapshotManifest)} will be used */
    public SnapshotFollower(TieredEmbeddingStore store, Path dir) {
        this.store = store;
        this.dir = dir == null ? null : dir.toAbsolutePath();
    }

    /** Reads {@code LATEST} and applies it if it is newer than what the store serves. */
    public synchronized Outcome poll() {
        Optional<SnapshotManifest> latest;
        try {
            latest = SnapshotDirectory.readLatest(dir);
        } catch (IOException | IllegalArgumentException e) {
            String reason = "unreadable " + dir.resolve(SnapshotDirectory.LATEST) + ": " + e.getMessage();
            if (!reason.equals(rejectedSha)) {
                store.reject(new SnapshotRejectedException("LATEST", reason));
                rejectedSha = reason;
            }
            return Outcome.REJECTED;
        }
        if (latest.isEmpty()) return Outcome.NO_SNAPSHOT;
        return apply(latest.get());
    }

    /** Polls now, then every {@code interval} on a daemon thread. */
    public synchronized SnapshotFollower start(Duration interval) {
        if (timer != null) throw new IllegalStateException("already started");
        timer = Executors.newSingleThreadScheduledExecutor(r -> { Thread t = new Thread(r, "engram-snapshot-follower"); t.setDaemon(true); return t; });
        timer.scheduleWithFixedDelay(() -> {
            try {
                poll();
            } catch (RuntimeException e) {
                LOG.warn("snapshot poll failed: {}", e.toString());
            }
        }, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Applies a published manifest (from {@code LATEST} or the manifest topic). */
    public synchronized Outcome apply(SnapshotManifest m) {
        long current = currentVersion();
        if (m.version() <= current) return Outcome.UNCHANGED;
        if (m.version() == rejectedVersion && m.sha256().equals(rejectedSha)) return Outcome.UNCHANGED;
        String id = Long.toString(m.version());
        try {
            check(id, "manifest", m.specFingerprint(), m.canonicalMapFingerprint());
            if (m.delta() != null && current > 0 && m.delta().baseVersion() == current) {
                try {
                    store.apply(readDelta(m, current));
                    return Outcome.APPLIED_DELTA;
                } catch (SnapshotRejectedException e) {
                    if (!store.isRecorded(e)) store.reject(e);
                    LOG.info("delta {} rejected; trying the full snapshot", id);
                }
            }
            store.apply(readFull(m));
            return Outcome.APPLIED_FULL;
        } catch (SnapshotRejectedException e) {
            if (!store.isRecorded(e)) store.reject(e);
            rejectedVersion = m.version();
            rejectedSha = m.sha256();
            return Outcome.REJECTED;
        }
    }

    private long currentVersion() {
        String id = store.snapshotId();
        if (id.isEmpty()) return 0;
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return 0;   // a plan applied by hand; any published version replaces it
        }
    }

    private PlacementPlan readFull(SnapshotManifest m) {
        String id = Long.toString(m.version());
        Snapshot s = readVerified(id, resolve(m.file(), m.uri()), m.bytes(), m.sha256());
        SnapshotMetadata md = s.metadata();
        if (md.kind() != SnapshotKind.FULL) throw new SnapshotRejectedException(id, m.file() + " is a " + md.kind().label() + ", not a full snapshot");
        if (md.version() != m.version()) throw new SnapshotRejectedException(id, m.file() + " holds version " + md.version());
        check(id, m.file(), md.specFingerprint(), md.canonicalMapFingerprint());
        SnapshotRows rows = s.rows();
        return PlacementPlan.full(id, rows.keys(Tier.HOT), rows.keys(Tier.WARM), md.specFingerprint(), nullIfEmpty(md.canonicalMapFingerprint()));
    }

    private PlacementPlan readDelta(SnapshotManifest m, long base) {
        String id = Long.toString(m.version());
        SnapshotManifest.DeltaFile d = m.delta();
        Snapshot s = readVerified(id, resolve(d.file(), d.uri()), d.bytes(), d.sha256());
        SnapshotMetadata md = s.metadata();
        if (md.kind() != SnapshotKind.DELTA || md.version() != m.version() || md.baseVersion() != base) {
            throw new SnapshotRejectedException(id, d.file() + " is " + md.kind().label() + " " + md.baseVersion() + " -> " + md.version()
                    + ", expected delta " + base + " -> " + m.version());
        }
        check(id, d.file(), md.specFingerprint(), md.canonicalMapFingerprint());
        SnapshotRows rows = s.rows();
        long[] keys = new long[rows.size()];
        Tier[] tiers = new Tier[rows.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = rows.key(i);
            tiers[i] = rows.tier(i);
        }
        return PlacementPlan.delta(id, Long.toString(base), keys, tiers, md.specFingerprint(), nullIfEmpty(md.canonicalMapFingerprint()));
    }

    private void check(String id, String what, String specFp, String canonFp) {
        String mine = store.layout().specFingerprint();
        if (!mine.isEmpty() && !mine.equals(specFp)) {
            throw new SnapshotRejectedException(id, what + " is for spec " + specFp + ", the store holds " + mine);
        }
        String canon = store.canonicalMapFingerprint();
        if (canon != null && canonFp != null && !canonFp.isEmpty() && !canon.equals(canonFp)) {
            throw new SnapshotRejectedException(id, what + " counts canonical map " + canonFp + ", the store expects " + canon);
        }
    }

    private Path resolve(String file, String uri) {
        if (dir != null && file != null) return dir.resolve(file);
        if (uri != null && !uri.isEmpty()) return Paths.get(URI.create(uri));
        throw new SnapshotRejectedException(file, "the manifest names no file this follower can reach");
    }

    private static Snapshot readVerified(String id, Path file, long bytes, String sha256) {
        try {
            long size = Files.size(file);
            if (size != bytes) throw new SnapshotRejectedException(id, file.getFileName() + " has " + size + " bytes, the manifest says " + bytes + " (truncated or replaced)");
            String actual = Sha256.of(file);
            if (!actual.equalsIgnoreCase(sha256)) throw new SnapshotRejectedException(id, file.getFileName() + " has sha256 " + actual + ", the manifest says " + sha256);
            return SnapshotReader.read(file);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new SnapshotRejectedException(id, "cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static String nullIfEmpty(String s) { return s == null || s.isEmpty() ? null : s; }

    @Override public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}
