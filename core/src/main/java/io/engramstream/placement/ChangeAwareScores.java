package io.engramstream.placement;

/**
 * Ranking scores that also read a row's silence. A decayed score forgets slowly: a row that was
 * hot and then stopped being looked up keeps a high score for several half-lives and holds a hot
 * slot all that time. But the statistics job knows more than the score: the score as of the
 * row's last access and when that was. A row that was looked up at rate {@code r} and has been
 * silent for {@code d} would see that silence with probability {@code exp(-r d)}; if popularity
 * levels last {@code L} on average (each row's level changes at rate {@code 1/L}), the chance the
 * row is still at its level is, by Bayes,
 *
 * <pre>  P(same) = e^{-a d} / (e^{-a d} + (1 - e^{-a d}) / (a L)),   a = r + 1/L</pre>
 *
 * (the row changed at some time u in (0, d) with density e^{-u/L}/L and was silent for the u
 * before it with probability e^{-r u}; a changed row is taken to be cold). The ranking score is
 * the decayed score times P(same). The rate comes from the score at the last access, less that
 * access itself: {@code r = (scoreAtLast - unit) * lambda / unit} lookups per clock unit (the
 * steady-state score of a row at rate r is r / lambda). A row seen once has no rate estimate: its
 * silence says nothing and it keeps the prior {@code e^{-d/L}} (a slightly faster decay); a row
 * at the noisy hot-tier boundary (a fraction of a lookup per window) is barely touched; a row
 * that was far above the boundary and went silent drops within a window or two instead of
 * decaying for several half-lives. Uses only what the job keeps per row.
 */
public final class ChangeAwareScores {
    private ChangeAwareScores() {}

    /**
     * The ranking score of a row at publication time.
     *
     * @param scoreAtLast decayed score as of the row's last access (that access included)
     * @param sinceLast   clock units since the last access ({@code now - last}; negative counts as 0)
     * @param lambda      decay rate per clock unit ({@code ln 2 / half-life}); 0 = no decay: the score is returned as is
     * @param lifetime    mean lifetime of a popularity level in clock units; not positive or infinite: no change
     *                    model, the plain decayed score
     * @param unit        score one lookup adds (the job's per-source weight; 1 for plain counts)
     */
    public static double score(double scoreAtLast, long sinceLast, double lambda, double lifetime, double unit) {
        if (lambda == 0) return scoreAtLast;
        double d = Math.max(0, sinceLast);
        double decayed = scoreAtLast * Math.exp(-lambda * d);
        if (!(lifetime > 0) || Double.isInfinite(lifetime) || d == 0 || !(unit > 0)) return decayed;
        double rate = Math.max(0, scoreAtLast - unit) / unit * lambda;
        double a = rate + 1 / lifetime;
        double stay = Math.exp(-a * d);
        double changed = -Math.expm1(-a * d) / (a * lifetime);
        return decayed * (stay / (stay + changed));
    }

    /** Lifetime in clock units for a lifetime given in half-lives ({@code 0} stays 0: no change model). */
    public static double lifetimeClock(double lifetimeHalfLives, double lambda) {
        if (!(lifetimeHalfLives > 0) || lambda == 0) return 0;
        return lifetimeHalfLives * Math.log(2) / lambda;
    }
}
