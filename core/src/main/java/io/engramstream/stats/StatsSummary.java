package io.engramstream.stats;

import java.util.List;

/**
 * The job-wide totals of one publication of statistics ({@code summary.json} next to the part
 * files), aggregated from the part headers.
 */
public record StatsSummary(
        int formatVersion,
        String tag,
        List<String> parts,
        int virtualShards,
        String specFingerprint,
        String canonicalMapId,
        String canonicalMapFingerprint,
        String specJson,
        String clock,
        long clockNow,
        double halfLife,
        double corpusWeight,
        double inferenceWeight,
        long tokens,
        long lookups,
        long records,
        long deadLetters,
        long distinctRows,
        String createdAt) {

    public double lambda() { return ScoreDecay.lambda(halfLife); }
}
