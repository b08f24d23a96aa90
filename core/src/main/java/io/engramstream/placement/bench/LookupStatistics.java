package io.engramstream.placement.bench;

import io.engramstream.placement.ChangeAwareScores;
import io.engramstream.placement.DecayedScores;
import io.engramstream.placement.RowStats;
import java.util.Arrays;

/**
 * A single-process stand-in for the statistics job: per row a decayed score (half-life in
 * lookups), a count and the last access, updated per lookup without allocation (apart from
 * amortised growth). Time is the lookup sequence number.
 */
public final class LookupStatistics {
    private final double halfLife;
    private final LongIntMap index;
    private long[] keys;
    private double[] scores;
    private long[] updated;
    private long[] counts;
    private int size;
    private long now;

    public LookupStatistics(int expectedRows, double halfLifeLookups) {
        this.halfLife = halfLifeLookups;
        index = new LongIntMap(expectedRows);
        int c = Math.max(16, expectedRows);
        keys = new long[c]; scores = new double[c]; updated = new long[c]; counts = new long[c];
    }

    public long now() { return now; }
    public int rows() { return size; }

    /** Counts one lookup of {@code key} at the next time step. */
    public void lookup(long key) {
        long t = ++now;
        int i = index.get(key);
        if (i < 0) {
            if (size == keys.length) grow();
            i = size++;
            index.put(key, i);
            keys[i] = key;
            scores[i] = 1.0;
            updated[i] = t;
            counts[i] = 1;
            return;
        }
        scores[i] = DecayedScores.hit(scores[i], updated[i], t, halfLife);
        updated[i] = t;
        counts[i]++;
    }

    /** Statistics with scores normalised to the current time (copies; the counter keeps running). */
    public RowStats snapshot() {
        double[] s = Arrays.copyOf(scores, size);
        DecayedScores.normalize(s, updated, size, now, halfLife);
        return new RowStats(size, Arrays.copyOf(keys, size), s, Arrays.copyOf(counts, size), Arrays.copyOf(updated, size));
    }

    /**
     * Statistics with {@link ChangeAwareScores} ranking scores: decayed scores discounted by the
     * chance that a silent row's popularity changed, for a mean popularity lifetime of
     * {@code lifetimeLookups} (0: plain decayed scores, as {@link #snapshot()}).
     */
    public RowStats snapshot(double lifetimeLookups) {
        if (!(lifetimeLookups > 0)) return snapshot();
        double lambda = Math.log(2) / halfLife;
        double[] s = new double[size];
        for (int i = 0; i < size; i++) s[i] = ChangeAwareScores.score(scores[i], now - updated[i], lambda, lifetimeLookups, 1.0);
        return new RowStats(size, Arrays.copyOf(keys, size), s, Arrays.copyOf(counts, size), Arrays.copyOf(updated, size));
    }

    /** Whether {@code key} was ever looked up. */
    public boolean seen(long key) { return index.get(key) >= 0; }

    public double halfLife() { return halfLife; }

    private void grow() {
        int c = keys.length * 2;
        keys = Arrays.copyOf(keys, c); scores = Arrays.copyOf(scores, c); updated = Arrays.copyOf(updated, c); counts = Arrays.copyOf(counts, c);
    }
}
