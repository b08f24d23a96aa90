package io.engramstream.placement;

/**
 * Exponentially decayed scores: a score {@code s} last updated at {@code t0} is worth
 * {@code s * 2^(-(t - t0) / halfLife)} at time {@code t}. Placement compares scores at one
 * reference time, the publication time; this is how callers bring them there.
 */
public final class DecayedScores {
    private DecayedScores() {}

    /** {@code score} updated at {@code lastUpdate}, as of {@code now} (same unit as {@code halfLife}). */
    public static double at(double score, long lastUpdate, long now, double halfLife) {
        if (halfLife <= 0 || Double.isInfinite(halfLife)) return score;
        return score * Math.pow(2, -(now - lastUpdate) / halfLife);
    }

    /** Brings all {@code scores[i]} (updated at {@code lastUpdate[i]}) to time {@code now}, in place. */
    public static void normalize(double[] scores, long[] lastUpdate, int n, long now, double halfLife) {
        for (int i = 0; i < n; i++) scores[i] = at(scores[i], lastUpdate[i], now, halfLife);
    }

    /** Adds one lookup at {@code now} to a score last updated at {@code lastUpdate}. */
    public static double hit(double score, long lastUpdate, long now, double halfLife) {
        return at(score, lastUpdate, now, halfLife) + 1.0;
    }
}
