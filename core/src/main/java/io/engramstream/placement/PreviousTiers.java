package io.engramstream.placement;

import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;

/**
 * The tier each row had in the previous placement, for rows visited mostly in ascending key order
 * (a part file, sorted statistics): a cursor that walks forward, and binary-searches when a key
 * goes back (the next part, the second pass, unsorted input) or jumps far ahead. Allocation-free.
 */
final class PreviousTiers {
    /** Rows the cursor walks before it binary-searches instead. */
    private static final int WALK = 16;
    private final SnapshotRows rows;
    private int j;
    private long lastKey = Long.MIN_VALUE;

    PreviousTiers(SnapshotRows rows) { this.rows = rows; }

    byte tierOf(long key) {
        int m = rows.size();
        if (m == 0) return Tier.COLD_CODE;
        if (key < lastKey || (j + WALK < m && rows.key(j + WALK) < key)) {
            int i = rows.indexOf(key);
            j = i >= 0 ? i : -i - 1;
        }
        lastKey = key;
        while (j < m && rows.key(j) < key) j++;
        return j < m && rows.key(j) == key ? rows.tierCode(j) : Tier.COLD_CODE;
    }
}
