package io.engramstream.snapshot;

/**
 * Deltas between full snapshots: rows whose tier changed (promotions and demotions), each with
 * its new and previous tier; rows that left the cached tiers appear with tier {@link Tier#COLD}.
 * A merge of two key-sorted row sets: linear, no per-row objects.
 */
public final class SnapshotDeltas {
    private SnapshotDeltas() {}

    /** The changes that turn {@code previous} into {@code current} (both full, sorted by key). */
    public static SnapshotRows diff(SnapshotRows previous, SnapshotRows current) {
        requireFullSorted(previous);
        requireFullSorted(current);
        SnapshotRows d = SnapshotRows.delta(64);
        int i = 0, j = 0, n = previous.size(), m = current.size();
        while (i < n || j < m) {
            long a = i < n ? previous.key(i) : Long.MAX_VALUE;
            long b = j < m ? current.key(j) : Long.MAX_VALUE;
            if (a == b) {
                if (previous.tierCode(i) != current.tierCode(j))
                    d.addChange(b, previous.tierCode(i), current.tierCode(j), current.score(j), current.count(j), current.lastAccess(j));
                i++; j++;
            } else if (a < b) {
                d.addChange(a, previous.tierCode(i), Tier.COLD_CODE, previous.score(i), previous.count(i), previous.lastAccess(i));
                i++;
            } else {
                d.addChange(b, Tier.COLD_CODE, current.tierCode(j), current.score(j), current.count(j), current.lastAccess(j));
                j++;
            }
        }
        return d;
    }

    /**
     * Applies a delta to the rows of its base version. Rows the delta does not name keep their
     * tier and statistics. Fails when the delta's previous tiers do not match {@code base}
     * (applied to the wrong version).
     */
    public static SnapshotRows apply(SnapshotRows base, SnapshotRows delta) {
        requireFullSorted(base);
        if (!delta.isDelta() || !delta.isSortedByKey()) throw new IllegalArgumentException("a key-sorted delta expected");
        SnapshotRows out = SnapshotRows.full(base.size() + delta.size());
        int i = 0, j = 0, n = base.size(), m = delta.size();
        while (i < n || j < m) {
            long a = i < n ? base.key(i) : Long.MAX_VALUE;
            long b = j < m ? delta.key(j) : Long.MAX_VALUE;
            if (a < b) {
                out.add(a, base.tierCode(i), base.score(i), base.count(i), base.lastAccess(i));
                i++;
                continue;
            }
            byte had = a == b ? base.tierCode(i) : Tier.COLD_CODE;
            if (had != delta.previousTierCode(j))
                throw new IllegalArgumentException("delta does not apply: row " + io.engramstream.spec.RowKey.toString(b)
                        + " is " + Tier.ofCode(had).label() + " in the base but the delta expects " + Tier.ofCode(delta.previousTierCode(j)).label());
            if (delta.tierCode(j) != Tier.COLD_CODE)
                out.add(b, delta.tierCode(j), delta.score(j), delta.count(j), delta.lastAccess(j));
            if (a == b) i++;
            j++;
        }
        return out;
    }

    /** Promotions (to a faster tier) in a delta. */
    public static long promotions(SnapshotRows delta) {
        long n = 0;
        for (int i = 0; i < delta.size(); i++) if (delta.tierCode(i) < delta.previousTierCode(i)) n++;
        return n;
    }

    /** Demotions (to a slower tier) in a delta. */
    public static long demotions(SnapshotRows delta) {
        long n = 0;
        for (int i = 0; i < delta.size(); i++) if (delta.tierCode(i) > delta.previousTierCode(i)) n++;
        return n;
    }

    private static void requireFullSorted(SnapshotRows r) {
        if (r.isDelta()) throw new IllegalArgumentException("full snapshot rows expected");
        if (!r.isSortedByKey()) throw new IllegalArgumentException("rows must be sorted by key");
    }
}
