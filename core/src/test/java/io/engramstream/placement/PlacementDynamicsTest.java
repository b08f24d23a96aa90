package io.engramstream.placement;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.placement.bench.LookupStatistics;
import io.engramstream.placement.bench.ZipfTraffic;
import io.engramstream.snapshot.Tier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Placement over time on synthetic traffic: churn under hysteresis, and following a switch. */
class PlacementDynamicsTest {
    static final int WINDOW = 50_000;
    static final TierBudgets BUDGETS = TierBudgets.ofRows(256, 1_000, 4_000);

    record Run(long hotPromotions, long promotions, double hotHitRate) {}

    /** Publishes after each window; counts promotions and hot hits of the next window from publication 5 on. */
    static Run stationary(double hysteresis, long seed) {
        ZipfTraffic traffic = new ZipfTraffic(50_000, 1.0, 2, 100_000, seed);
        LookupStatistics stats = new LookupStatistics(60_000, 2.0 * WINDOW);
        PreviousPlacement prev = PreviousPlacement.NONE;
        PlacementOptions o = PlacementOptions.DEFAULT.withHysteresis(hysteresis);
        long hotPromotions = 0, promotions = 0, hits = 0, lookups = 0;
        for (int w = 1; w <= 20; w++) {
            long[] hot = prev.rows().keys(Tier.HOT);
            for (int i = 0; i < WINDOW; i++) {
                long k = traffic.next();
                stats.lookup(k);
                if (w > 5) { lookups++; if (Arrays.binarySearch(hot, k) >= 0) hits++; }
            }
            PlacementResult r = PlacementPlanner.plan(stats.snapshot(), prev, BUDGETS, o);
            if (w > 5) {
                promotions += r.summary().promotions();
                for (int i = 0; i < r.delta().size(); i++)
                    if (r.delta().tierCode(i) == Tier.HOT_CODE && r.delta().previousTierCode(i) != Tier.HOT_CODE) hotPromotions++;
            }
            prev = new PreviousPlacement(w, r.rows());
        }
        return new Run(hotPromotions, promotions, (double) hits / lookups);
    }

    @Test
    void hysteresisLowersChurnOnAStationaryStream() {
        Run without = stationary(0, 11);
        Run with = stationary(0.25, 11);
        assertTrue(without.hotPromotions() > 500, "the noisy boundary churns without hysteresis: " + without);
        // Hot loads (GPU copies) drop by more than half; warm churn, dominated by rows seen a few times, by a quarter.
        assertTrue(with.hotPromotions() < 0.5 * without.hotPromotions(), "with " + with + " without " + without);
        assertTrue(with.promotions() < 0.75 * without.promotions(), "with " + with + " without " + without);
        assertTrue(with.hotHitRate() > 0.995 * without.hotHitRate(), "hit rate kept: " + with + " vs " + without);
    }

    @Test
    void hotTierFollowsASwitchWithinABoundedNumberOfPublications() {
        ZipfTraffic traffic = new ZipfTraffic(50_000, 1.0, 2, 100_000, 12);
        LookupStatistics stats = new LookupStatistics(120_000, 1.0 * WINDOW);
        PreviousPlacement prev = PreviousPlacement.NONE;
        for (int w = 1; w <= 8; w++) {
            for (int i = 0; i < WINDOW; i++) stats.lookup(traffic.next());
            PlacementResult r = PlacementPlanner.plan(stats.snapshot(), prev, BUDGETS, PlacementOptions.DEFAULT);
            prev = new PreviousPlacement(w, r.rows());
        }
        assertTrue(overlapWithTop(prev, traffic) > 0.9, "before the switch the hot tier holds the top rows");
        traffic.reshuffle();
        double overlap = overlapWithTop(prev, traffic);
        assertTrue(overlap < 0.1, "right after the switch: " + overlap);
        int publications = 0;
        while (overlap < 0.9) {
            assertTrue(++publications <= 8, "hot tier did not follow within 8 publications (overlap " + overlap + ")");
            for (int i = 0; i < WINDOW; i++) stats.lookup(traffic.next());
            PlacementResult r = PlacementPlanner.plan(stats.snapshot(), prev, BUDGETS, PlacementOptions.DEFAULT);
            prev = new PreviousPlacement(prev.version() + 1, r.rows());
            overlap = overlapWithTop(prev, traffic);
        }
        assertTrue(publications >= 2, "a one-window-half-life cannot follow at once: " + publications);
    }

    /** Share of the traffic's true top-1000 rows (hot budget) that are hot. */
    static double overlapWithTop(PreviousPlacement p, ZipfTraffic t) {
        int in = 0;
        for (int r = 0; r < 1000; r++) if (p.tierOf(t.rowOfRank(r)) == Tier.HOT_CODE) in++;
        return in / 1000.0;
    }
}
