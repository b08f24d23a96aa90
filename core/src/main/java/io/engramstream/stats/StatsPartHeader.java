package io.engramstream.stats;

/**
 * What one part file of published statistics says about itself. A part holds the rows of the
 * virtual shards one statistics subtask owned when the statistics were published; the counters
 * are that subtask's share, so summing them over all parts gives the job's totals.
 *
 * @param tag        the publication: {@code final} (end of bounded input) or {@code cp-<checkpoint id>}
 * @param clock      the decay clock: {@code tokens} or {@code event-time} (milliseconds)
 * @param clockNow   the largest decay clock value this part had seen
 * @param halfLife   score half-life in clock units; 0 = no decay
 * @param tokens     tokens counted (whose lookups these rows hold)
 * @param lookups    lookups counted (sum of all row counts of this part)
 * @param records    input records (documents or chunks) counted
 * @param deadLetters records rejected to the dead-letter output
 * @param rows       rows in this part
 */
public record StatsPartHeader(
        int formatVersion,
        String tag,
        int part,
        int parts,
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
        long rows,
        long createdAtMillis) {

    public static final int FORMAT_VERSION = 1;

    public StatsPartHeader withPart(String newTag, int newPart, int newParts, long newRows, long now) {
        return new StatsPartHeader(formatVersion, newTag, newPart, newParts, virtualShards, specFingerprint, canonicalMapId,
                canonicalMapFingerprint, specJson, clock, clockNow, halfLife, corpusWeight, inferenceWeight, tokens, lookups,
                records, deadLetters, newRows, now);
    }

    /** Decay rate per clock unit. */
    public double lambda() { return ScoreDecay.lambda(halfLife); }
}
