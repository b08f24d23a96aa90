package io.engramstream.model.serve;

import io.engramstream.model.memory.TierCounts;
import java.util.Arrays;
import java.util.Locale;

/**
 * Serving counters: requests by outcome, throughput since start, latency percentiles over the
 * last {@value #WINDOW} responses (receipt to response, server side), and the share of Engram row
 * lookups the hot tier answered. Updated by the serving thread, read by the reporter.
 */
public final class ServeMetrics {
    static final int WINDOW = 8192;

    private final long startNanos = System.nanoTime();
    private final long[] latencies = new long[WINDOW];
    private int latencyCount;
    private long ok, rejected, failed, deadLetters, batches, hot, warm, cold;

    synchronized void served(long latencyMicros, long hotLookups, long warmLookups, long coldLookups) {
        ok++;
        latencies[latencyCount++ % WINDOW] = latencyMicros;
        hot += hotLookups;
        warm += warmLookups;
        cold += coldLookups;
    }

    synchronized void rejected(long latencyMicros) {
        rejected++;
        latencies[latencyCount++ % WINDOW] = latencyMicros;
    }

    synchronized void failed() { failed++; }
    synchronized void deadLetter() { deadLetters++; }
    synchronized void batch() { batches++; }

    public synchronized long ok() { return ok; }
    public synchronized long rejectedCount() { return rejected; }
    public synchronized long failedCount() { return failed; }
    public synchronized long deadLetters() { return deadLetters; }
    public synchronized long batches() { return batches; }
    public synchronized long answered() { return ok + rejected + failed; }

    /** Answered requests per second since the loop started. */
    public synchronized double requestsPerSecond() {
        double s = (System.nanoTime() - startNanos) / 1e9;
        return s <= 0 ? 0 : answered() / s;
    }

    /** Latency percentile in microseconds over the recent window ({@code q} in [0,1]); 0 before any response. */
    public synchronized long latencyPercentile(double q) {
        int n = Math.min(latencyCount, WINDOW);
        if (n == 0) return 0;
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        int idx = (int) Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
        return sorted[idx];
    }

    /** Row lookups of the answered requests by tier (rows written: not tracked here, 0). */
    public synchronized TierCounts lookups() { return new TierCounts(hot, warm, cold, 0); }

    public String report() {
        TierCounts t = lookups();
        return String.format(Locale.ROOT, "served %d ok / %d rejected / %d failed (+%d dead letters) in %d batches, %.1f req/s, "
                        + "latency p50 %.1f ms p99 %.1f ms, hot-tier hit rate %.1f%% (warm %.1f%%, cold %.1f%%)",
                ok(), rejectedCount(), failedCount(), deadLetters(), batches(), requestsPerSecond(), latencyPercentile(0.5) / 1e3,
                latencyPercentile(0.99) / 1e3, 100 * t.hotHitRate(), pct(t.warmServed(), t), pct(t.coldServed(), t));
    }

    private static double pct(long v, TierCounts t) { return t.lookups() == 0 ? 0 : 100.0 * v / t.lookups(); }
}
