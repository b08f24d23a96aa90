package io.engramstream.placement;

/**
 * Per-row statistics in parallel columns, as a statistics shard holds them: row key, decayed
 * score normalised to the publication time, count and last access. Columns may be longer than
 * {@code size}; they are read, never modified.
 */
public record RowStats(int size, long[] keys, double[] scores, long[] counts, long[] lastAccess) {
    public RowStats {
        if (size < 0 || keys.length < size || scores.length < size || counts.length < size || lastAccess.length < size)
            throw new IllegalArgumentException("columns shorter than size " + size);
    }

    /** Statistics with only scores (count = 0, last access = 0), e.g. for tests and benchmarks. */
    public static RowStats ofScores(long[] keys, double[] scores) {
        return new RowStats(keys.length, keys, scores, new long[keys.length], new long[keys.length]);
    }

    boolean isSortedByKey() {
        for (int i = 1; i < size; i++) if (keys[i] <= keys[i - 1]) return false;
        return true;
    }
}
