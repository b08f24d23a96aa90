package io.engramstream.placement;

import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.PendingSnapshot;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.Snapshot;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.WriteOptions;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes placements into a {@link SnapshotDirectory} and remembers the placement in force
 * (the previous placement of the next round). Two-phase like the directory:
 * {@link #prepare} when the checkpoint holding the statistics is taken, {@link #commit} when it
 * completes. Reads the newest published snapshot at construction so that a restarted job keeps
 * its hysteresis and deltas.
 */
public final class PlacementPublisher {
    private final SnapshotDirectory directory;
    private final RowLayout layout;
    private final String specFingerprint;
    private final String canonicalMapFingerprint;
    private final WriteOptions writeOptions;
    private final boolean deltas;
    private final ConcurrentSkipListMap<Long, PreviousPlacement> prepared = new ConcurrentSkipListMap<>();
    private volatile PreviousPlacement current;

    public PlacementPublisher(SnapshotDirectory directory, RowLayout layout, String specFingerprint,
                              String canonicalMapFingerprint, WriteOptions writeOptions, boolean deltas) throws IOException {
        this.directory = directory;
        this.layout = layout;
        this.specFingerprint = specFingerprint;
        this.canonicalMapFingerprint = canonicalMapFingerprint;
        this.writeOptions = writeOptions;
        this.deltas = deltas;
        this.current = loadLatest(directory);
    }

    /** The newest snapshot of a directory as a previous placement (NONE for an empty directory). */
    public static PreviousPlacement loadLatest(SnapshotDirectory directory) throws IOException {
        Optional<Snapshot> s = directory.readLatestSnapshot();
        return s.map(x -> new PreviousPlacement(x.version(), x.rows())).orElse(PreviousPlacement.NONE);
    }

    /** The placement in force: the last committed one. */
    public PreviousPlacement current() { return current; }

    public SnapshotDirectory directory() { return directory; }

    /** The next version number to use. */
    public long nextVersion() throws IOException {
        long v = directory.nextVersion();
        if (!prepared.isEmpty()) v = Math.max(v, prepared.lastKey() + 1);
        return Math.max(v, current.version() + 1);
    }

    /**
     * Writes a placement (computed against {@link #current()}) as version {@code version}, not yet
     * visible. The delta is the result's delta (if deltas are on and there was a previous version).
     */
    public PendingSnapshot prepare(PlacementResult result, long version, SourcePosition source, long createdAtMillis)
            throws IOException {
        SnapshotMetadata meta = SnapshotMetadata.full(version, result.previousVersion() > 0 ? result.previousVersion() : -1,
                specFingerprint, canonicalMapFingerprint, createdAtMillis, source, result.budgets(), layout.layerIds());
        CoverageCurve coverage = result.coverage() == null ? CoverageCurve.EMPTY : result.coverage();
        boolean hasPrevious = result.previousVersion() > 0;
        PendingSnapshot p = directory.prepare(meta, result.rows(), deltas ? result.delta() : null, layout, writeOptions, coverage,
                hasPrevious ? result.summary().promotions() : -1, hasPrevious ? result.summary().demotions() : -1);
        prepared.put(version, new PreviousPlacement(version, result.rows()));
        return p;
    }

    /** Makes a prepared version visible and the placement in force. */
    public SnapshotManifest commit(PendingSnapshot pending) throws IOException {
        SnapshotManifest m = directory.commit(pending);
        PreviousPlacement p = prepared.remove(pending.version());
        if (p != null && p.version() > current.version()) current = p;
        prepared.headMap(pending.version()).clear();
        return m;
    }

    public void abort(PendingSnapshot pending) throws IOException {
        prepared.remove(pending.version());
        directory.abort(pending);
    }

    /** Startup: commits pending snapshots from restored state, cleans the rest, reloads the placement in force. */
    public List<SnapshotManifest> recover(Collection<PendingSnapshot> fromRestoredState) throws IOException {
        List<SnapshotManifest> done = directory.recover(fromRestoredState);
        prepared.clear();
        current = loadLatest(directory);
        return done;
    }

}
