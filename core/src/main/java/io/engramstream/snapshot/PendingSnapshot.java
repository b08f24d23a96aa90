package io.engramstream.snapshot;

import java.io.Serializable;

/**
 * A snapshot written by {@link SnapshotDirectory#prepare} under temporary names and not yet
 * visible. Serializable so that a streaming job can keep it in checkpointed state between the
 * checkpoint that holds its statistics and the notification that this checkpoint completed, and
 * commit it after a restore ({@link SnapshotDirectory#recover}).
 *
 * @param manifest     the manifest {@code commit} will publish (files named by their final names)
 * @param tempFile     temporary name of the full snapshot, relative to the directory
 * @param tempDelta    temporary name of the delta, or null when there is none
 */
public record PendingSnapshot(SnapshotManifest manifest, String tempFile, String tempDelta) implements Serializable {
    public long version() { return manifest.version(); }
}
