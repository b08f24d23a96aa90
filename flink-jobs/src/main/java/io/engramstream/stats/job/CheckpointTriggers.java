package io.engramstream.stats.job;

/**
 * When a statistics subtask stages a publication: at checkpoints, from values every subtask sees
 * identically at a barrier (the checkpoint's timestamp, the job-wide token count), so all subtasks
 * decide the same and the publication's set of parts completes. Each decision compares with the
 * previous checkpoint this subtask saw; a checkpoint some subtask never saw (aborted before its
 * barrier arrived) can make them disagree once, and they agree again from the next common one.
 * Plain state (four longs) that the operator keeps in union operator state.
 */
final class CheckpointTriggers {
    static final long NONE = Long.MIN_VALUE;

    /** Interval in ms (0: every checkpoint, negative: never); every this many tokens (0: never). */
    private final long intervalMillis;
    private final long everyTokens;
    private long previousTs = NONE, previousTokens, firstTs = NONE;

    CheckpointTriggers(long intervalMillis, long everyTokens) {
        this.intervalMillis = intervalMillis;
        this.everyTokens = everyTokens;
    }

    /**
     * Whether the checkpoint taken at {@code ts}, with {@code tokens} counted in the whole job before
     * its barrier, publishes; moves "the previous checkpoint" on.
     *
     * @param onTime whether the interval applies (unbounded input)
     */
    boolean due(long ts, long tokens, boolean onTime) {
        boolean due = everyTokens > 0 && tokens / everyTokens > previousTokens / everyTokens;
        if (firstTs == NONE) firstTs = ts;
        if (onTime && intervalMillis == 0) due = true;
        if (onTime && intervalMillis > 0 && previousTs != NONE
                && Math.floorDiv(ts - firstTs, intervalMillis) > Math.floorDiv(previousTs - firstTs, intervalMillis)) due = true;
        previousTs = ts;
        previousTokens = tokens;
        return due;
    }

    long previousTokens() { return previousTokens; }

    /** {previousTs, previousTokens, firstTs} for operator state. */
    long[] state() { return new long[] {previousTs, previousTokens, firstTs}; }

    /** Restores from the states every subtask stored (identical values; any of them will do, max is order-free). */
    void restore(long previousTsState, long previousTokensState, long firstTsState) {
        previousTs = Math.max(previousTs, previousTsState);
        previousTokens = Math.max(previousTokens, previousTokensState);
        firstTs = Math.max(firstTs, firstTsState);
    }
}
