package io.engramstream.placement;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.RowKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {
    static final int BPR = 256; // bytes per row: 64 dims x FP32

    /** n rows over 2 layers with log-normal scores (continuous, few ties). */
    static RowStats randomStats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] keys = new long[n];
        double[] scores = new double[n];
        long[] counts = new long[n];
        long[] last = new long[n];
        java.util.HashSet<Long> used = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            long k;
            do { k = RowKey.of(r.nextInt(2), r.nextLong(1_000_000)); } while (!used.add(k));
            keys[i] = k;
            scores[i] = Math.exp(r.nextGaussian() * 3);
            counts[i] = 1 + r.nextInt(1000);
            last[i] = r.nextLong(1_000_000);
        }
        return new RowStats(n, keys, scores, counts, last);
    }

    /** Indices of stats in descending score order (the expected ranking, computed independently). */
    static Integer[] byScoreDesc(RowStats s) {
        Integer[] idx = IntStream.range(0, s.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -s.scores()[i]).thenComparingLong(i -> s.keys()[i]));
        return idx;
    }

    @Test
    void budgetsAreRespectedExactlyAndHoldTheTopRows() {
        RowStats s = randomStats(20_000, 1);
        // Byte budgets that are not multiples of the row size: 100 hot rows, 300 warm rows.
        TierBudgets b = TierBudgets.global(BPR, 100L * BPR + BPR - 1, 300L * BPR + 17);
        PlacementResult r = PlacementPlanner.plan(s, PreviousPlacement.NONE, b, PlacementOptions.NO_HYSTERESIS);
        assertEquals(100, r.rows().count(Tier.HOT));
        assertEquals(300, r.rows().count(Tier.WARM));
        assertTrue(r.rows().count(Tier.HOT) * BPR <= b.getHotBytes());
        Integer[] order = byScoreDesc(s);
        for (int k = 0; k < 400; k++) {
            int i = r.rows().indexOf(s.keys()[order[k]]);
            assertTrue(i >= 0, "rank " + k + " missing");
            assertEquals(k < 100 ? Tier.HOT : Tier.WARM, r.rows().tier(i), "rank " + k);
        }
        assertTrue(r.rows().isSortedByKey());
        assertNull(r.delta());
        // Candidates exceed the budget only by the boundary buckets.
        assertTrue(r.summary().candidates() >= 400 && r.summary().candidates() < 480, "candidates " + r.summary().candidates());
    }

    @Test
    void perLayerBudgetsHoldPerLayer() {
        RowStats s = randomStats(10_000, 2);
        TierBudgets b = TierBudgets.perLayer(BPR, new long[]{50L * BPR, 10L * BPR}, new long[]{0, 70L * BPR});
        PlacementResult r = PlacementPlanner.plan(s, PreviousPlacement.NONE, b, PlacementOptions.NO_HYSTERESIS);
        assertArrayEquals(new long[]{50, 10}, r.rows().countPerLayer(Tier.HOT, 2));
        assertArrayEquals(new long[]{0, 70}, r.rows().countPerLayer(Tier.WARM, 2));
        // Layer 1's hot rows are its 10 best.
        Integer[] order = byScoreDesc(s);
        int seen = 0;
        for (Integer i : order) {
            if (RowKey.layerIndex(s.keys()[i]) != 1) continue;
            Tier t = r.rows().tier(r.rows().indexOf(s.keys()[i]));
            assertEquals(seen < 10 ? Tier.HOT : Tier.WARM, t);
            if (++seen == 80) break;
        }
    }

    @Test
    void budgetLargerThanTheRowsPlacesEverything() {
        RowStats s = randomStats(50, 3);
        PlacementResult r = PlacementPlanner.plan(s, PreviousPlacement.NONE, TierBudgets.ofRows(BPR, 10, 1000), PlacementOptions.DEFAULT);
        assertEquals(10, r.rows().count(Tier.HOT));
        assertEquals(40, r.rows().count(Tier.WARM));
        PlacementResult none = PlacementPlanner.plan(s, PreviousPlacement.NONE, TierBudgets.ofRows(BPR, 0, 0), PlacementOptions.DEFAULT);
        assertEquals(0, none.rows().size());
        assertEquals(0, none.summary().candidates());
    }

    @Test
    void shardedStepsGiveTheSameResultAsOneProcess() {
        RowStats s = randomStats(30_000, 4);
        TierBudgets b = TierBudgets.ofRows(BPR, 500, 2000);
        PlacementOptions o = PlacementOptions.DEFAULT;
        PlacementResult first = PlacementPlanner.plan(s, PreviousPlacement.NONE, b, o);
        PreviousPlacement prev = new PreviousPlacement(1, first.rows());
        // Perturb the scores, then place again both ways.
        SplittableRandom r = new SplittableRandom(9);
        double[] scores = s.scores().clone();
        for (int i = 0; i < scores.length; i++) scores[i] *= Math.exp(r.nextGaussian() * 0.3);
        RowStats s2 = new RowStats(s.size(), s.keys(), scores, s.counts(), s.lastAccess());
        PlacementResult single = PlacementPlanner.plan(s2, prev, b, o);

        PlacementPolicy policy = new PlacementPolicy(b, o);
        int shards = 4;
        ScoreHistogram[] h = new ScoreHistogram[shards];
        for (int k = 0; k < shards; k++) h[k] = policy.newHistogram();
        int[] shardOf = new int[s.size()];
        for (int i = 0; i < s.size(); i++) {
            shardOf[i] = (int) Math.floorMod(s.keys()[i] * 0x9E3779B97F4A7C15L >>> 40, shards);
            policy.observe(h[shardOf[i]], s.keys()[i], scores[i], prev.tierOf(s.keys()[i]));
        }
        ScoreHistogram merged = ScoreHistogram.fromBytes(h[0].toBytes());   // as if sent over the wire
        for (int k = 1; k < shards; k++) merged.merge(ScoreHistogram.fromBytes(h[k].toBytes()));
        PlacementThresholds t = policy.thresholds(merged);
        CandidateRows all = new CandidateRows(0);
        for (int k = shards - 1; k >= 0; k--) {
            CandidateRows c = new CandidateRows(0);
            for (int i = 0; i < s.size(); i++)
                if (shardOf[i] == k && t.isCandidate(s.keys()[i], scores[i], prev.tierOf(s.keys()[i])))
                    c.add(s.keys()[i], scores[i], s.counts()[i], s.lastAccess()[i], prev.tierOf(s.keys()[i]));
            all.addAll(c);
        }
        PlacementResult distributed = policy.assemble(all, prev, t);
        assertEquals(single.rows(), distributed.rows());
        assertEquals(single.delta(), distributed.delta());
        assertEquals(500, distributed.rows().count(Tier.HOT));
        assertTrue(distributed.summary().promotions() > 0);
    }

    @Test
    void thresholdFilteringNeverChangesTheResult() {
        // Assembling every row without thresholds (no pre-filtering, full sorts) must equal the planner's result.
        for (int seed = 0; seed < 12; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            RowStats s = randomStats(3_000 + r.nextInt(3_000), 100 + seed);
            TierBudgets b = seed % 3 == 0
                    ? TierBudgets.perLayer(BPR, new long[]{r.nextInt(300) * (long) BPR, r.nextInt(300) * (long) BPR},
                            new long[]{r.nextInt(900) * (long) BPR, r.nextInt(900) * (long) BPR})
                    : TierBudgets.ofRows(BPR, r.nextInt(400), r.nextInt(1500));
            PlacementOptions o = new PlacementOptions(r.nextDouble() * 0.5, seed % 2 == 0 ? Long.MAX_VALUE : 1 + r.nextInt(200), new long[0]);
            PreviousPlacement prev = new PreviousPlacement(1, PlacementPlanner.plan(s, PreviousPlacement.NONE, b, o).rows());
            double[] scores = s.scores().clone();
            for (int i = 0; i < scores.length; i++) scores[i] *= Math.exp(r.nextGaussian());
            RowStats s2 = new RowStats(s.size(), s.keys(), scores, s.counts(), s.lastAccess());
            PlacementResult planned = PlacementPlanner.plan(s2, prev, b, o);
            CandidateRows everything = new CandidateRows(s.size());
            for (int i = 0; i < s.size(); i++) everything.add(s.keys()[i], scores[i], s.counts()[i], s.lastAccess()[i], prev.tierOf(s.keys()[i]));
            PlacementResult unfiltered = new PlacementPolicy(b, o).assemble(everything, prev, null);
            assertEquals(unfiltered.rows(), planned.rows(), "seed " + seed);
            assertEquals(unfiltered.summary().promotions(), planned.summary().promotions(), "seed " + seed);
            for (int g = 0; g < b.groups(); g++) {
                long[] hot = b.isPerLayer() ? planned.rows().countPerLayer(Tier.HOT, 2) : new long[]{planned.rows().count(Tier.HOT)};
                assertTrue(hot[g] <= b.hotRows(g));
            }
        }
    }

    @Test
    void hysteresisKeepsResidentsThatFallSlightlyBehind() {
        long[] keys = {RowKey.of(0, 1), RowKey.of(0, 2), RowKey.of(0, 3)};
        // Row 1 is hot; row 2 now scores 10% more, row 3 scores 30% more.
        PlacementResult before = PlacementPlanner.plan(RowStats.ofScores(keys, new double[]{10, 1, 1}), PreviousPlacement.NONE,
                TierBudgets.ofRows(BPR, 1, 0), PlacementOptions.DEFAULT);
        PreviousPlacement prev = new PreviousPlacement(1, before.rows());
        assertEquals(Tier.HOT_CODE, prev.tierOf(keys[0]));
        PlacementResult a = PlacementPlanner.plan(RowStats.ofScores(keys, new double[]{10, 11, 1}), prev,
                TierBudgets.ofRows(BPR, 1, 0), PlacementOptions.DEFAULT.withHysteresis(0.25));
        assertArrayEquals(new long[]{keys[0]}, a.rows().keys(Tier.HOT), "within the margin the resident stays");
        PlacementResult b = PlacementPlanner.plan(RowStats.ofScores(keys, new double[]{10, 11, 13}), prev,
                TierBudgets.ofRows(BPR, 1, 0), PlacementOptions.DEFAULT.withHysteresis(0.25));
        assertArrayEquals(new long[]{keys[2]}, b.rows().keys(Tier.HOT), "beyond the margin the newcomer wins");
        assertEquals(2, b.delta().size());
        PlacementResult c = PlacementPlanner.plan(RowStats.ofScores(keys, new double[]{10, 11, 1}), prev,
                TierBudgets.ofRows(BPR, 1, 0), PlacementOptions.NO_HYSTERESIS);
        assertArrayEquals(new long[]{keys[1]}, c.rows().keys(Tier.HOT), "without hysteresis the best score wins");
    }

    @Test
    void promotionCapLimitsLoadsAndKeepsResidentsInTheFreedSlots() {
        RowStats s = randomStats(5_000, 5);
        TierBudgets b = TierBudgets.ofRows(BPR, 200, 300);
        PlacementOptions capped = PlacementOptions.NO_HYSTERESIS.withMaxPromotions(60);
        PreviousPlacement prev = PreviousPlacement.NONE;
        PlacementResult target = PlacementPlanner.plan(s, prev, b, PlacementOptions.NO_HYSTERESIS);
        for (int round = 1; round <= 12; round++) {
            PlacementResult r = PlacementPlanner.plan(s, prev, b, capped);
            assertTrue(r.summary().promotions() <= 60, "round " + round + ": " + r.summary().promotions());
            assertTrue(r.rows().count(Tier.HOT) <= 200 && r.rows().count(Tier.WARM) <= 300);
            if (r.delta() != null) assertEquals(r.summary().promotions(), io.engramstream.snapshot.SnapshotDeltas.promotions(r.delta()));
            prev = new PreviousPlacement(round, r.rows());
        }
        // 500 rows to load at 60 per round: converged to the uncapped placement after 9 rounds.
        assertEquals(target.rows(), prev.rows());
    }

    @Test
    void pinnedRowsAreAlwaysHot() {
        RowStats s = randomStats(1_000, 6);
        long unseen = RowKey.of(1, 999_999_999L); // no statistics at all
        long weakest = s.keys()[byScoreDesc(s)[999]];
        PlacementOptions o = PlacementOptions.DEFAULT.withPinned(unseen, weakest);
        PlacementResult r = PlacementPlanner.plan(s, PreviousPlacement.NONE, TierBudgets.ofRows(BPR, 10, 10), o);
        assertEquals(10, r.rows().count(Tier.HOT));
        assertEquals(Tier.HOT, r.rows().tier(r.rows().indexOf(unseen)));
        assertEquals(Tier.HOT, r.rows().tier(r.rows().indexOf(weakest)));
        assertThrows(IllegalArgumentException.class, () -> PlacementPlanner.plan(s, PreviousPlacement.NONE,
                TierBudgets.ofRows(BPR, 1, 10), o));
    }

    @Test
    void residentsWithoutStatisticsAreDemotedInTheDelta() {
        long a = RowKey.of(0, 1), b = RowKey.of(0, 2);
        SnapshotRows prevRows = SnapshotRows.full(2);
        prevRows.add(a, Tier.HOT_CODE, 5, 5, 5);
        PlacementResult r = PlacementPlanner.plan(RowStats.ofScores(new long[]{b}, new double[]{1}), new PreviousPlacement(3, prevRows),
                TierBudgets.ofRows(BPR, 1, 0), PlacementOptions.DEFAULT);
        assertArrayEquals(new long[]{b}, r.rows().keys(Tier.HOT));
        assertEquals(2, r.delta().size());
        assertEquals(Tier.COLD_CODE, r.delta().tierCode(r.delta().indexOf(a)));
        assertEquals(3, r.previousVersion());
    }

    @Test
    void coverageCurveMatchesABruteForceCount() {
        RowStats s = randomStats(10_000, 7);
        PlacementResult r = PlacementPlanner.plan(s, PreviousPlacement.NONE, TierBudgets.ofRows(BPR, 10, 10),
                PlacementOptions.DEFAULT, 2_000_000L);
        CoverageCurve c = r.coverage();
        double[] sorted = Arrays.stream(s.scores()).map(x -> -x).sorted().map(x -> -x).toArray();
        double total = Arrays.stream(sorted).sum();
        double prev = 0;
        for (CoverageCurve.Point p : c.points()) {
            double exact = 0;
            for (int i = 0; i < Math.min(p.rows(), sorted.length); i++) exact += sorted[i];
            exact /= total;
            assertEquals(exact, p.share(), 0.01, "K=" + p.rows());
            assertTrue(p.share() >= prev);
            assertEquals(p.rows() * BPR, p.bytes());
            prev = p.share();
        }
        assertEquals(1, c.points().get(0).rows());
        assertEquals(2_000_000L, c.points().get(c.points().size() - 1).rows());
        assertEquals(1.0, c.points().get(c.points().size() - 1).share(), 1e-9);
        assertEquals(22, c.points().size()); // 1..2^20 then 2,000,000
    }

    @Test
    void histogramSurvivesJavaSerialization() throws Exception {
        PlacementPolicy p = new PlacementPolicy(TierBudgets.ofRows(BPR, 5, 5), PlacementOptions.DEFAULT);
        ScoreHistogram h = p.newHistogram();
        RowStats s = randomStats(1000, 8);
        for (int i = 0; i < s.size(); i++) p.observe(h, s.keys()[i], s.scores()[i], Tier.COLD_CODE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) { out.writeObject(h); }
        assertTrue(bytes.size() < 40_000, "compact: " + bytes.size());
        ScoreHistogram back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) { back = (ScoreHistogram) in.readObject(); }
        assertEquals(1000, back.rows(0));
        assertEquals(h.hotThreshold(0, 5), back.hotThreshold(0, 5));
        assertThrows(IllegalArgumentException.class, () -> ScoreHistogram.fromBytes(new byte[]{0, 0, 0, 1, 0}));
    }

    @Test
    void histogramBucketsAreMonotoneInTheScore() {
        double prev = 0;
        int prevBucket = 0;
        SplittableRandom r = new SplittableRandom(1);
        double[] xs = r.doubles(10_000, -30, 30).map(Math::exp).sorted().toArray();
        for (double x : xs) {
            int b = ScoreHistogram.bucket(x);
            assertTrue(b >= prevBucket);
            assertTrue(ScoreHistogram.lowerEdge(b) <= x && x < ScoreHistogram.lowerEdge(b + 1));
            assertTrue(ScoreHistogram.lowerEdge(b + 1) / ScoreHistogram.lowerEdge(b) <= 1.0625 + 1e-12);
            prevBucket = b;
            prev = x;
        }
        assertEquals(0, ScoreHistogram.bucket(0));
        assertEquals(0, ScoreHistogram.bucket(Double.NaN));
        assertTrue(prev > 0);
    }
}
