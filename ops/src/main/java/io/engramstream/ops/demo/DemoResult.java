package io.engramstream.ops.demo;

import io.engramstream.snapshot.SnapshotManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one demo run measured (the summary table, summary.json and the HTML report read this). */
final class DemoResult {
    String mode;
    int documents;
    long corpusTokens, corpusLookups, corpusDistinctRows, deadLetters;
    long trafficRecords, trafficTokens, trafficLookups;
    long mergedDistinctRows;
    long swaps, rejected;
    String storeSummary = "";
    double wallSeconds;
    List<SnapshotManifest> snapshots = new ArrayList<>();
    List<Round> rounds = new ArrayList<>();
    List<DemoSteps.Timing> steps = new ArrayList<>();

    /** One round of served requests. */
    static final class Round {
        String name;
        String snapshot;
        int requests;
        long lookups;
        double seconds;
        double p50Micros, p99Micros;
        int hotRows, warmRows;
        /** Row lookups (before per-batch deduplication) answered by each tier. */
        Map<String, Long> servedByTier = new LinkedHashMap<>();

        double lookupsPerSecond() { return seconds == 0 ? 0 : lookups / seconds; }

        double share(String tier) { return lookups == 0 ? 0 : (double) servedByTier.getOrDefault(tier, 0L) / lookups; }

        String describe() {
            return String.format(Locale.ROOT, "%s: %,d row lookups in %.2f s (%,.0f lookups/s), hot %.1f%% / warm %.1f%% / cold %.1f%%, p50 %.0f us, p99 %.0f us",
                    name, lookups, seconds, lookupsPerSecond(), 100 * share("hot"), 100 * share("warm"), 100 * share("cold"), p50Micros, p99Micros);
        }
    }
}
