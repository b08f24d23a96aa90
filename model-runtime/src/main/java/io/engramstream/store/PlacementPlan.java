package io.engramstream.store;

import io.engramstream.snapshot.Tier;
import java.util.Arrays;
import java.util.Objects;

/**
 * Which rows a placement puts in which tier: what the store needs from a snapshot, and nothing of
 * its file format. A FULL plan lists the hot and the warm RowKeys (every other row is cold); a
 * DELTA plan lists RowKeys with their new tier, relative to the plan named {@link #baseSnapshotId()}.
 *
 * <p>The fingerprints, when not null, are checked against the store's spec and canonical map
 * before anything is built. Key arrays are sorted and deduplicated on construction.
 */
public final class PlacementPlan {
    public enum Kind { FULL, DELTA }

    private final Kind kind;
    private final String snapshotId;
    private final String baseSnapshotId;
    private final long[] hotKeys;
    private final long[] warmKeys;
    private final long[] deltaKeys;
    private final Tier[] deltaTiers;
    private final String specFingerprint;
    private final String canonicalMapFingerprint;

    private PlacementPlan(Kind kind, String snapshotId, String baseSnapshotId, long[] hotKeys, long[] warmKeys,
                          long[] deltaKeys, Tier[] deltaTiers, String specFingerprint, String canonicalMapFingerprint) {
        this.kind = kind;
        this.snapshotId = Objects.requireNonNull(snapshotId, "snapshotId");
        this.baseSnapshotId = baseSnapshotId;
        this.hotKeys = hotKeys;
        this.warmKeys = warmKeys;
        this.deltaKeys = deltaKeys;
        this.deltaTiers = deltaTiers;
        this.specFingerprint = specFingerprint;
        this.canonicalMapFingerprint = canonicalMapFingerprint;
    }

    /** No hot or warm rows: every lookup reads the cold table. */
    public static PlacementPlan coldOnly() {
        return new PlacementPlan(Kind.FULL, "", null, new long[0], new long[0], null, null, null, null);
    }

    public static PlacementPlan full(String snapshotId, long[] hotKeys, long[] warmKeys, String specFingerprint, String canonicalMapFingerprint) {
        return new PlacementPlan(Kind.FULL, snapshotId, null, sortedUnique(hotKeys), sortedUnique(warmKeys), null, null,
                specFingerprint, canonicalMapFingerprint);
    }

    /** A delta: {@code tiers[i]} is the new tier of {@code keys[i]}; COLD evicts. */
    public static PlacementPlan delta(String snapshotId, String baseSnapshotId, long[] keys, Tier[] tiers,
                                      String specFingerprint, String canonicalMapFingerprint) {
        if (keys.length != tiers.length) throw new IllegalArgumentException("delta keys and tiers differ in length");
        Objects.requireNonNull(baseSnapshotId, "a delta needs the id of the snapshot it applies to");
        // sort by key, keeping pairs together; duplicates keep the last entry
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
        long[] k = new long[keys.length];
        Tier[] t = new Tier[keys.length];
        int n = 0;
        for (Integer i : order) {
            if (n > 0 && k[n - 1] == keys[i]) { t[n - 1] = Objects.requireNonNull(tiers[i]); continue; }
            k[n] = keys[i];
            t[n] = Objects.requireNonNull(tiers[i]);
            n++;
        }
        return new PlacementPlan(Kind.DELTA, snapshotId, baseSnapshotId, null, null, Arrays.copyOf(k, n), Arrays.copyOf(t, n),
                specFingerprint, canonicalMapFingerprint);
    }

    static long[] sortedUnique(long[] keys) {
        long[] k = keys.clone();
        Arrays.sort(k);
        int n = 0;
        for (int i = 0; i < k.length; i++) if (n == 0 || k[n - 1] != k[i]) k[n++] = k[i];
        return n == k.length ? k : Arrays.copyOf(k, n);
    }

    public Kind kind() { return kind; }
    public String snapshotId() { return snapshotId; }
    public String baseSnapshotId() { return baseSnapshotId; }
    /** Sorted hot keys of a FULL plan. */
    public long[] hotKeys() { return hotKeys; }
    /** Sorted warm keys of a FULL plan. */
    public long[] warmKeys() { return warmKeys; }
    public long[] deltaKeys() { return deltaKeys; }
    public Tier[] deltaTiers() { return deltaTiers; }
    public String specFingerprint() { return specFingerprint; }
    public String canonicalMapFingerprint() { return canonicalMapFingerprint; }

    /** The FULL plan that results from applying this delta to {@code base} (a FULL plan). */
    PlacementPlan resolveAgainst(long[] baseHot, long[] baseWarm) {
        if (kind == Kind.FULL) return this;
        long[] hot = merge(baseHot, Tier.HOT);
        long[] warm = merge(baseWarm, Tier.WARM);
        return new PlacementPlan(Kind.FULL, snapshotId, null, hot, warm, null, null, specFingerprint, canonicalMapFingerprint);
    }

    /** Keys of {@code base} not named by the delta, plus the delta's keys going to {@code tier}; sorted. */
    private long[] merge(long[] base, Tier tier) {
        long[] out = new long[base.length + deltaKeys.length];
        int n = 0, i = 0, j = 0;
        while (i < base.length || j < deltaKeys.length) {
            if (j >= deltaKeys.length || (i < base.length && base[i] < deltaKeys[j])) {
                out[n++] = base[i++];
            } else {
                if (i < base.length && base[i] == deltaKeys[j]) i++;   // the delta decides this key
                if (deltaTiers[j] == tier) out[n++] = deltaKeys[j];
                j++;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override public String toString() {
        return kind == Kind.FULL
                ? "full placement " + snapshotId + " (" + hotKeys.length + " hot, " + warmKeys.length + " warm)"
                : "delta placement " + snapshotId + " on " + baseSnapshotId + " (" + deltaKeys.length + " moves)";
    }
}
