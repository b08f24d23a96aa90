package io.engramstream.model.metrics;

import io.engramstream.model.memory.TierCounts;
import io.engramstream.model.serve.ServeMetrics;
import io.engramstream.snapshot.Tier;
import io.engramstream.store.StoreMetrics;
import io.engramstream.store.TieredEmbeddingStore;

/**
 * What the model runtime exposes to Prometheus: the tiered store (per-tier lookups, hits, rows
 * served, bytes moved, gather time; snapshot version, swaps, rejected snapshots, resident rows)
 * and, when it serves, the serve loop (requests by outcome, req/s, latency quantiles, the
 * requests' row lookups by tier). The store and the serve loop can be attached after the
 * endpoint starts (and replaced: the demo opens the training store, then the serving one).
 * Metric names: docs/OPERATIONS.md ("Runtime metrics").
 */
public final class RuntimeMetrics {
    private volatile TieredEmbeddingStore store;
    private volatile ServeMetrics serve;

    public RuntimeMetrics store(TieredEmbeddingStore s) {
        this.store = s;
        return this;
    }

    public RuntimeMetrics serve(ServeMetrics m) {
        this.serve = m;
        return this;
    }

    /** The current values in the Prometheus text format. */
    public String render() {
        PrometheusText p = new PrometheusText();
        TieredEmbeddingStore s = store;
        p.gauge("engram_runtime_up", "1 while the runtime process serves this endpoint", 1);
        if (s != null) store(p, s);
        ServeMetrics m = serve;
        if (m != null) serve(p, m);
        return p.toString();
    }

    private static void store(PrometheusText p, TieredEmbeddingStore s) {
        StoreMetrics m = s.metrics();
        for (Tier t : Tier.values()) {
            StoreMetrics.TierStats x = m.tier(t);
            String tier = t.label();
            p.counter("engram_store_tier_lookups_total",
                    "rows probed at this tier (every row lookup on the host-assembly path, distinct rows per batch and layer on the device-gather path)",
                    x.lookups(), "tier", tier);
            p.counter("engram_store_tier_hits_total", "rows this tier served (counted like engram_store_tier_lookups_total)", x.hits(), "tier", tier);
            p.counter("engram_store_tier_positions_total", "row lookups (before deduplication) this tier answered", x.positionsServed(), "tier", tier);
            p.counter("engram_store_tier_bytes_moved_total", "bytes gathered on the device (hot) or copied to host staging (warm, cold)",
                    x.bytesMoved(), "tier", tier);
            p.counter("engram_store_tier_gather_seconds_total", "time spent moving this tier's rows", x.latencyNanos() / 1e9, "tier", tier);
            p.counter("engram_store_tier_gathers_total", "gathers the gather time covers", x.gathers(), "tier", tier);
            p.gauge("engram_store_tier_gather_max_seconds", "slowest single gather so far", x.maxLatencyNanos() / 1e9, "tier", tier);
        }
        p.counter("engram_store_batches_total", "lookup batches", m.batches());
        p.counter("engram_store_row_lookups_total", "row lookups requested (batch x tokens x layers x heads)", m.positions());
        p.counter("engram_store_distinct_rows_total", "distinct rows after per-batch, per-layer deduplication (device-gather path only)",
                m.distinctRows());
        p.counter("engram_store_lookup_seconds_total", "foreground time in lookup()", m.lookupNanos() / 1e9);
        String phaseHelp = "lookup time by phase: hash, dedupe and scatter-index (device-gather path), resolve (tier and slot), engine (arrays, gathers, cast)";
        p.counter("engram_store_phase_seconds_total", phaseHelp, m.hashNanos() / 1e9, "phase", "hash");
        p.counter("engram_store_phase_seconds_total", phaseHelp, m.dedupeNanos() / 1e9, "phase", "dedupe");
        p.counter("engram_store_phase_seconds_total", phaseHelp, m.resolveNanos() / 1e9, "phase", "resolve");
        p.counter("engram_store_phase_seconds_total", phaseHelp, m.scatterIndexNanos() / 1e9, "phase", "scatter_index");
        p.counter("engram_store_phase_seconds_total", phaseHelp, m.engineNanos() / 1e9, "phase", "engine");
        p.counter("engram_store_prefetch_hits_total", "lookups whose rows a prefetch had staged", m.prefetchHits());
        p.counter("engram_store_prefetch_misses_total", "lookups without a staged prefetch", m.prefetchMisses());
        p.counter("engram_store_rows_written_total", "rows written through the store (training updates)", m.rowsWritten());
        p.counter("engram_store_snapshot_swaps_total", "placements swapped in from snapshots", m.swaps());
        p.counter("engram_store_snapshots_rejected_total", "snapshots refused (checksum, spec or canonical-map mismatch, damage)", m.rejectedSnapshots());
        long version = -1;
        try {
            if (!s.snapshotId().isEmpty()) version = Long.parseLong(s.snapshotId());
        } catch (NumberFormatException notAVersion) {
            // a plan set by hand: no version
        }
        p.gauge("engram_store_snapshot_version", "version of the snapshot the placement comes from (-1: none)", version);
        p.gauge("engram_store_resident_rows", "rows held in a tier (the cold file holds every row)", s.hotRows(), "tier", "hot");
        p.gauge("engram_store_resident_rows", "rows held in a tier (the cold file holds every row)", s.warmRows(), "tier", "warm");
    }

    private static void serve(PrometheusText p, ServeMetrics m) {
        p.counter("engram_serve_requests_total", "answered requests by outcome", m.ok(), "outcome", "ok");
        p.counter("engram_serve_requests_total", "answered requests by outcome", m.rejectedCount(), "outcome", "rejected");
        p.counter("engram_serve_requests_total", "answered requests by outcome", m.failedCount(), "outcome", "failed");
        p.counter("engram_serve_dead_letters_total", "request records that did not decode", m.deadLetters());
        p.counter("engram_serve_batches_total", "forward-pass batches", m.batches());
        p.gauge("engram_serve_requests_per_second", "answered requests per second since the serve loop started", m.requestsPerSecond());
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            p.gauge("engram_serve_latency_seconds", "receipt-to-response latency quantile over the last 8,192 responses",
                    m.latencyPercentile(q) / 1e6, "quantile", Double.toString(q));
        }
        TierCounts t = m.lookups();
        p.counter("engram_serve_row_lookups_total", "row lookups of answered requests by the tier holding the row", t.hotServed(), "tier", "hot");
        p.counter("engram_serve_row_lookups_total", "row lookups of answered requests by the tier holding the row", t.warmServed(), "tier", "warm");
        p.counter("engram_serve_row_lookups_total", "row lookups of answered requests by the tier holding the row", t.coldServed(), "tier", "cold");
    }
}
