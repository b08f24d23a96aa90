package io.engramstream.ops.demo;

import io.engramstream.model.train.TrainSession;
import io.engramstream.snapshot.SnapshotManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one demo run measured (the summary table, summary.json and the HTML report read this). */
final class DemoResult {
    String mode;
    /** Process id of the local broker the demo started (Kafka path), or 0. */
    long brokerPid;
    int documents;
    long corpusTokens, corpusLookups, corpusDistinctRows, deadLetters;
    long trafficRecords, trafficTokens, trafficLookups;
    /** Tokens (prompt + generated) of the first round's answers, counted from the answers themselves. */
    long servedTokens;
    /** Distinct rows and inference lookups in the statistics snapshot v2 was placed from (corpus + traffic). */
    long mergedDistinctRows, mergedInferenceLookups;
    Training training;
    long swaps, rejected;
    String storeSummary = "";
    double wallSeconds;
    List<SnapshotManifest> snapshots = new ArrayList<>();
    List<Round> rounds = new ArrayList<>();
    List<DemoSteps.Timing> steps = new ArrayList<>();

    /** The runtime's training run. */
    record Training(TrainSession.Result result, long snapshotVersion, double seconds) {
        double firstLoss() { return result.curve().isEmpty() ? Double.NaN : result.curve().get(0).trainLoss(); }

        double lastLoss() { return DemoRuntime.lastTrainLoss(result.curve()); }

        String describe() {
            return String.format(Locale.ROOT, "%d steps on snapshot v%d in %.1f s (%.2f s/step): train loss %.3f -> %.3f, held-out %.3f; "
                            + "%,d row updates; %s", result.step(), snapshotVersion, seconds, result.secondsPerStep(), firstLoss(), lastLoss(),
                    result.validLoss(), result.rowsUpdated(), result.tiers() == null ? "" : result.tiers().describe());
        }
    }

    /** One round of served requests. */
    static final class Round {
        String name;
        List<DemoRuntime.Served> served = List.of();
        long generatedTokens;
        String sample = "";
        String snapshot;
        int requests;
        long lookups;
        double seconds;
        double p50Micros, p99Micros;
        int hotRows, warmRows;
        /** Row lookups (before per-batch deduplication) answered by each tier. */
        Map<String, Long> servedByTier = new LinkedHashMap<>();

        double lookupsPerSecond() { return seconds == 0 ? 0 : lookups / seconds; }

        double requestsPerSecond() { return seconds == 0 ? 0 : requests / seconds; }

        double share(String tier) { return lookups == 0 ? 0 : (double) servedByTier.getOrDefault(tier, 0L) / lookups; }

        String describe() {
            return String.format(Locale.ROOT, "%s (snapshot v%s): %d requests, %,d tokens generated in %.2f s (%.1f req/s), %,d row lookups "
                            + "(%,.0f lookups/s), hot %.1f%% / warm %.1f%% / cold %.1f%%, latency p50 %.0f ms, p99 %.0f ms",
                    name, snapshot, requests, generatedTokens, seconds, requestsPerSecond(), lookups, lookupsPerSecond(), 100 * share("hot"),
                    100 * share("warm"), 100 * share("cold"), p50Micros / 1e3, p99Micros / 1e3);
        }
    }
}
