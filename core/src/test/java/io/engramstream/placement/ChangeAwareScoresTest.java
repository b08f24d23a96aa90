package io.engramstream.placement;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ChangeAwareScoresTest {
    static final double HL = 1_000;
    static final double LAMBDA = Math.log(2) / HL;

    /**
     * P(same level | silent for d) by brute force: the change time integrated numerically
     * (midpoint rule), not the closed form under test.
     */
    static double posteriorSame(double rate, double d, double lifetime) {
        double stay = Math.exp(-(rate + 1 / lifetime) * d);
        int steps = 200_000;
        double du = d / steps, changed = 0;
        for (int i = 0; i < steps; i++) {
            double u = (i + 0.5) * du;
            changed += Math.exp(-u / lifetime) / lifetime * Math.exp(-rate * u) * du;
        }
        return stay / (stay + changed);
    }

    @Test
    void withoutAChangeModelItIsThePlainDecayedScore() {
        assertEquals(5.0, ChangeAwareScores.score(10, 1_000, LAMBDA, 0, 1), 1e-12);
        assertEquals(2.5, ChangeAwareScores.score(10, 2_000, LAMBDA, Double.POSITIVE_INFINITY, 1), 1e-12);
        assertEquals(10.0, ChangeAwareScores.score(10, 5_000, 0, 20_000, 1), 1e-12, "no decay: score as stored");
        assertEquals(10.0, ChangeAwareScores.score(10, 0, LAMBDA, 20_000, 1), 1e-12, "just accessed: untouched");
    }

    @Test
    void matchesTheBayesPosteriorIntegratedNumerically() {
        for (double scoreAtLast : new double[]{1, 1.5, 4, 11, 40}) {
            for (double d : new double[]{100, 500, 1_000, 3_000}) {
                double lifetime = 20 * HL;
                double rate = (scoreAtLast - 1) * LAMBDA;
                double expected = scoreAtLast * Math.pow(2, -d / HL) * posteriorSame(rate, d, lifetime);
                assertEquals(expected, ChangeAwareScores.score(scoreAtLast, (long) d, LAMBDA, lifetime, 1), 1e-6 * expected,
                        "score " + scoreAtLast + " silent " + d);
            }
        }
    }

    @Test
    void aSilentFormerlyHotRowDropsWhileABoundaryRowBarelyMoves() {
        double lifetime = 20 * HL;
        // Steady score 50 = 50 * ln2 / 1000 lookups per clock unit: silent for half a half-life (17 expected lookups).
        double hot = ChangeAwareScores.score(51, 500, LAMBDA, lifetime, 1) / (51 * Math.pow(2, -0.5));
        assertTrue(hot < 0.01, "a formerly hot row that went silent is most likely cold now: " + hot);
        // Score 1.3: 0.3 * ln2 / 1000 per unit, silent for 2 half-lives (0.4 expected lookups).
        double boundary = ChangeAwareScores.score(1.3, 2_000, LAMBDA, lifetime, 1) / (1.3 * 0.25);
        assertTrue(boundary > 0.85 && boundary < 1, "boundary row: " + boundary);
        // Seen once: no rate estimate, only the prior chance of no change.
        assertEquals(Math.exp(-2_000 / lifetime), ChangeAwareScores.score(1, 2_000, LAMBDA, lifetime, 1) / 0.25, 1e-12);
    }

    @Test
    void longerSilenceNeverRanksHigherAndWeightsScaleTheRate() {
        double prev = Double.MAX_VALUE;
        for (long d = 0; d <= 10_000; d += 50) {
            double s = ChangeAwareScores.score(8, d, LAMBDA, 10 * HL, 1);
            assertTrue(s <= prev, "silence " + d);
            prev = s;
        }
        // Scores in units of 2 per lookup: the same row as scores in units of 1, scaled by 2.
        assertEquals(2 * ChangeAwareScores.score(8, 700, LAMBDA, 10 * HL, 1), ChangeAwareScores.score(16, 700, LAMBDA, 10 * HL, 2), 1e-12);
    }
}
