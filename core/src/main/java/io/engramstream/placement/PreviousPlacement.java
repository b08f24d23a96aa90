package io.engramstream.placement;

import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;

/**
 * The placement in force before this publication (the rows of the last published full
 * snapshot), for hysteresis, the promotion cap and the delta. {@link #tierOf} is a binary
 * search over the sorted keys: no allocation.
 */
public final class PreviousPlacement {
    public static final PreviousPlacement NONE = new PreviousPlacement(-1, SnapshotRows.full(0));

    private final long version;
    private final SnapshotRows rows;

    /** @param rows full snapshot rows, sorted by key (as read from a snapshot file) */
    public PreviousPlacement(long version, SnapshotRows rows) {
        if (rows.isDelta()) throw new IllegalArgumentException("a full snapshot is needed");
        if (!rows.isSortedByKey()) throw new IllegalArgumentException("rows must be sorted by key");
        this.version = version;
        this.rows = rows;
    }

    /** The version these rows were published as, -1 for none. */
    public long version() { return version; }
    public SnapshotRows rows() { return rows; }
    public int size() { return rows.size(); }
    public boolean isEmpty() { return rows.size() == 0; }

    /** Tier code of {@code key} before this publication ({@link Tier#COLD_CODE} when not listed). */
    public byte tierOf(long key) {
        int i = rows.indexOf(key);
        return i >= 0 ? rows.tierCode(i) : Tier.COLD_CODE;
    }
}
