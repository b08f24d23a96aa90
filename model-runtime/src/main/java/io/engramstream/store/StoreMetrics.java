package io.engramstream.store;

import io.engramstream.snapshot.Tier;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a store, safe to update from lookup, prefetch and swap threads at once.
 *
 * <p>Per tier, counted over the distinct rows of each batch and layer: {@code lookups} rows probed
 * at that tier (hot probes every distinct row, warm the rows not hot, cold the rest), {@code hits}
 * rows served from it, {@code bytes} bytes moved out of it (gathered on the device for hot, copied
 * into the host staging for warm and cold), {@code nanos} time spent moving them and
 * {@code gathers} how many gathers that time covers. {@code positionsServed} counts row lookups
 * before deduplication: the share of all lookups each tier answered.
 */
public final class StoreMetrics {
    /** One tier's counters. */
    public static final class TierStats {
        final LongAdder lookups = new LongAdder();
        final LongAdder hits = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder nanos = new LongAdder();
        final LongAdder gathers = new LongAdder();
        final LongAdder positions = new LongAdder();
        final AtomicLong maxNanos = new AtomicLong();

        void record(long probed, long served, long movedBytes, long elapsedNanos) {
            lookups.add(probed);
            hits.add(served);
            bytes.add(movedBytes);
            nanos.add(elapsedNanos);
            gathers.increment();
            maxNanos.accumulateAndGet(elapsedNanos, Math::max);
        }

        public long lookups() { return lookups.sum(); }
        /** Row lookups (before deduplication) this tier answered. */
        public long positionsServed() { return positions.sum(); }
        public long hits() { return hits.sum(); }
        public long bytesMoved() { return bytes.sum(); }
        public long latencyNanos() { return nanos.sum(); }
        public long gathers() { return gathers.sum(); }
        public long maxLatencyNanos() { return maxNanos.get(); }
        public double meanLatencyMicros() { long g = gathers(); return g == 0 ? 0 : latencyNanos() / 1e3 / g; }
        public double hitRate() { long l = lookups(); return l == 0 ? 0 : (double) hits() / l; }
    }

    private final Map<Tier, TierStats> tiers = new EnumMap<>(Tier.class);
    final LongAdder batches = new LongAdder();
    final LongAdder positions = new LongAdder();
    final LongAdder distinctRows = new LongAdder();
    final LongAdder lookupNanos = new LongAdder();
    final LongAdder prefetchHits = new LongAdder();
    final LongAdder prefetchMisses = new LongAdder();
    final LongAdder prefetchRefreshed = new LongAdder();
    final LongAdder swaps = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder rowsWritten = new LongAdder();
    // time per lookup phase (all threads): the host half's steps, then the engine calls; row copies are the tiers' latency
    final LongAdder hashNanos = new LongAdder();
    final LongAdder dedupeNanos = new LongAdder();
    final LongAdder resolveNanos = new LongAdder();
    final LongAdder scatterIndexNanos = new LongAdder();
    final LongAdder engineNanos = new LongAdder();
    private final AtomicReference<String> lastRejection = new AtomicReference<>();

    StoreMetrics() {
        for (Tier t : Tier.values()) tiers.put(t, new TierStats());
    }

    public TierStats tier(Tier t) { return tiers.get(t); }
    public long batches() { return batches.sum(); }
    /** Row lookups requested: batch x tokens x layers x heads. */
    public long positions() { return positions.sum(); }
    /** Distinct rows after per-batch, per-layer deduplication. */
    public long distinctRows() { return distinctRows.sum(); }
    /** Foreground time spent in lookup() (staging that a prefetch did in the background excluded). */
    public long lookupNanos() { return lookupNanos.sum(); }
    public long prefetchHits() { return prefetchHits.sum(); }
    public long prefetchMisses() { return prefetchMisses.sum(); }
    /** Staged batches whose host rows were copied again because rows were written after staging. */
    public long prefetchRefreshed() { return prefetchRefreshed.sum(); }
    public long swaps() { return swaps.sum(); }
    public long rejectedSnapshots() { return rejected.sum(); }
    public String lastRejection() { return lastRejection.get(); }
    public long rowsWritten() { return rowsWritten.sum(); }

    /** Time hashing token batches into RowKeys. */
    public long hashNanos() { return hashNanos.sum(); }
    /** Time deduplicating RowKeys (device-gather path only). */
    public long dedupeNanos() { return dedupeNanos.sum(); }
    /** Time finding each row's tier and slot in the placement's index. */
    public long resolveNanos() { return resolveNanos.sum(); }
    /** Time building the scatter index (device-gather path only). */
    public long scatterIndexNanos() { return scatterIndexNanos.sum(); }
    /** Time in the engine: array creation, hot gathers (device path), scatter and cast to FLOAT32. */
    public long engineNanos() { return engineNanos.sum(); }

    void rejected(String reason) {
        rejected.increment();
        lastRejection.set(reason);
    }

    private long copyNanos(Tier t) { return tier(t).latencyNanos(); }

    /** A multi-line human-readable summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("batches %d, row lookups %d, distinct %d, prefetch hits %d / misses %d (refreshed %d), swaps %d, rejected %d%n",
                batches(), positions(), distinctRows(), prefetchHits(), prefetchMisses(), prefetchRefreshed(), swaps(), rejectedSnapshots()));
        long all = positions();
        long b = Math.max(1, batches());
        String phases = String.format("per batch (ms, wall time on the thread doing it): hash %.2f, dedupe %.2f, resolve tiers %.2f, scatter index %.2f, copy hot %.2f / warm %.2f / cold %.2f, engine %.2f%n",
                hashNanos() / 1e6 / b, dedupeNanos() / 1e6 / b, resolveNanos() / 1e6 / b, scatterIndexNanos() / 1e6 / b,
                copyNanos(Tier.HOT) / 1e6 / b, copyNanos(Tier.WARM) / 1e6 / b, copyNanos(Tier.COLD) / 1e6 / b, engineNanos() / 1e6 / b);
        sb.append(String.format("%-5s %12s %12s %8s %14s %12s %12s%n", "tier", "lookups", "hits", "hit%", "served%(all)", "MB moved", "mean us"));
        for (Tier t : Tier.values()) {
            TierStats s = tier(t);
            sb.append(String.format("%-5s %12d %12d %7.1f%% %13.1f%% %12.1f %12.1f%n", t.label(), s.lookups(), s.hits(), 100 * s.hitRate(),
                    all == 0 ? 0 : 100.0 * s.positionsServed() / all, s.bytesMoved() / 1e6, s.meanLatencyMicros()));
        }
        sb.append(phases);
        return sb.toString();
    }
}
