package io.engramstream.placement.bench;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.placement.PlacementOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class HitRateBenchTest {
    static final int WINDOW = 40_000, K = 1_000;

    static List<HitRateBench.Window> run(int swaps, List<PlacementVariant> variants) {
        ZipfTraffic t = new ZipfTraffic(50_000, 1.1, 2, 100_000, 5);
        HitRateBench.Config c = new HitRateBench.Config(WINDOW, 14, 4, K, 3 * K, variants, PlacementOptions.DEFAULT);
        return HitRateBench.run(new ZipfSource(t, swaps, 4 * K, "test"), c, null);
    }

    @Test
    void boundsHoldInEveryWindow() {
        List<HitRateBench.Window> ws = run(40, List.of(new PlacementVariant(4, 0.25, 0, 0)));
        assertEquals(10, ws.size());
        for (HitRateBench.Window w : ws) {
            // A fixed set of K rows never beats the K rows most looked up in the window.
            assertTrue(w.placement() <= w.oracle(), "placement " + w);
            assertTrue(w.bound() <= w.oracle(), "bound " + w);
            assertTrue(w.staticOracle() <= w.oracle(), "static " + w);
            // Restricting the oracle to rows seen before the window can only lower it.
            assertTrue(w.seenOracle() <= w.oracle() && w.seenOracle() > 0.5, "seen oracle " + w);
            // Knowing half of the window, less its noise, lands near the true top-K and below the in-window oracle.
            assertTrue(w.splitOracle() < w.oracle() && Math.abs(w.splitOracle() - w.bound()) < 0.05, "split oracle " + w);
            assertTrue(w.novel() >= 0 && w.novel() < 0.15, "a warm Zipf stream looks up few never-seen rows: " + w);
        }
    }

    @Test
    void publishingMoreOftenFollowsDriftBetterButLoadsMoreRows() {
        List<HitRateBench.Window> ws = run(150, List.of(new PlacementVariant(4, 0.25, 0, 0), new PlacementVariant(4, 0.25, 0, 0, 4)));
        double once = HitRateBench.mean(ws, w -> w.placement(0)), four = HitRateBench.mean(ws, w -> w.placement(1));
        assertTrue(four > once + 0.005, "4 publications per window " + four + " vs 1 " + once);
        // The bound is for publishing at the window boundary; only more publications can pass it.
        assertTrue(once <= HitRateBench.mean(ws, HitRateBench.Window::bound) + 0.002);
        assertTrue(HitRateBench.mean(ws, w -> w.hotLoads(1)) > HitRateBench.mean(ws, w -> w.hotLoads(0)));
    }

    @Test
    void variantsParseAndLabel() {
        PlacementVariant base = new PlacementVariant(8, 0.25, 0, 0);
        PlacementVariant v = PlacementVariant.parse("hl=4, life=20,per=4", base);
        assertEquals(new PlacementVariant(4, 0.25, 20, 0, 4), v);
        assertEquals(250_000, v.every(1_000_000));
        assertEquals("hl=4,h=0.25,life=20,every=window/4", v.label());
        assertEquals(250_000, PlacementVariant.parse("every=250000", base).every(1_000_000));
        assertEquals(1_000_000, PlacementVariant.parse("every=window", v).every(1_000_000));
        assertThrows(io.engramstream.cli.UserError.class, () -> PlacementVariant.parse("hl=-1", base));
        assertThrows(io.engramstream.cli.UserError.class, () -> PlacementVariant.parse("speed=3", base));
        assertThrows(io.engramstream.cli.UserError.class, () -> PlacementVariant.parse("h=x", base));
    }
}
