package io.engramstream.snapshot;

/** A snapshot file read back: its metadata and its rows (sorted by key). */
public record Snapshot(SnapshotMetadata metadata, SnapshotRows rows) {
    public long version() { return metadata.version(); }
    public boolean isDelta() { return metadata.kind() == SnapshotKind.DELTA; }
}
