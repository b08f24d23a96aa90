package io.engramstream.stats;

/**
 * The time-decayed access score. A row's score at clock {@code T} is
 * <pre>  score(T) = sum over lookups i of  w(source_i) * 2^(-(T - t_i) / H)</pre>
 * with half-life {@code H} in clock units (tokens or milliseconds). It is stored as its value at
 * the row's last access {@code L} and brought forward on demand:
 * <pre>  score(T) = score(L) * exp(-lambda * (T - L)),   lambda = ln 2 / H</pre>
 * An update at {@code t >= L} is {@code score = score * exp(-lambda (t - L)) + w; L = t}; an update
 * that arrives late ({@code t < L}) adds {@code w * exp(-lambda (L - t))}. Both are O(1), need no
 * reference clock that could overflow, and the result does not depend on update order (up to
 * floating-point rounding). {@code H <= 0} or infinite means no decay: the score is the weighted
 * count, exactly.
 */
public final class ScoreDecay {
    private ScoreDecay() {}

    /** Decay rate per clock unit for a half-life; 0 (no decay) for a non-positive or infinite half-life. */
    public static double lambda(double halfLife) {
        if (!(halfLife > 0) || Double.isInfinite(halfLife)) return 0;
        return Math.log(2) / halfLife;
    }

    /** The score as of clock {@code at}, given its value {@code scoreAtLast} at clock {@code last}. */
    public static double at(double scoreAtLast, long last, long at, double lambda) {
        if (lambda == 0 || at == last) return scoreAtLast;
        return scoreAtLast * Math.exp(-lambda * (double) (at - last));
    }
}
