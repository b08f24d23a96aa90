package io.engramstream.store;

/** A snapshot or plan the store refused; it keeps serving its previous placement. */
public final class SnapshotRejectedException extends RuntimeException {
    private final String snapshotId;

    public SnapshotRejectedException(String snapshotId, String reason) {
        super("snapshot " + (snapshotId == null || snapshotId.isEmpty() ? "(unnamed)" : snapshotId) + " rejected: " + reason);
        this.snapshotId = snapshotId;
    }

    public SnapshotRejectedException(String snapshotId, String reason, Throwable cause) {
        this(snapshotId, reason);
        initCause(cause);
    }

    public String snapshotId() { return snapshotId; }
}
