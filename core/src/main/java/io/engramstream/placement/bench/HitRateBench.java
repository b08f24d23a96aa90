package io.engramstream.placement.bench;

import io.engramstream.placement.PlacementOptions;
import io.engramstream.placement.PlacementPlanner;
import io.engramstream.placement.PlacementResult;
import io.engramstream.placement.PreviousPlacement;
import io.engramstream.placement.TierBudgets;
import io.engramstream.snapshot.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Hot-tier hit rate of published placements on the next window of traffic, against, in the same
 * run over the same lookups: the oracle (the K rows most looked up in that very window), an LRU
 * cache and an LFU cache of K rows that update on every lookup. Placement is recomputed after
 * every window from decayed statistics and applies to the next window only, as a published
 * snapshot would. The per-lookup loop allocates nothing.
 */
public final class HitRateBench {

    /** One window's hit rates (hits / lookups). */
    public record Window(int index, long lookups, double placement, double oracle, double lru, double lfu,
                         long promotions, double planMillis, double staticOracle) {
        Window withStatic(double s) { return new Window(index, lookups, placement, oracle, lru, lfu, promotions, planMillis, s); }
    }

    public record Config(int windowLookups, int windows, int warmupWindows, int hotRows, int warmRows,
                         double halfLifeWindows, PlacementOptions options) {}

    private HitRateBench() {}

    public static List<Window> run(LookupSource source, Config c, Consumer<Window> progress) {
        LookupStatistics stats = new LookupStatistics(1 << 20, c.halfLifeWindows() * c.windowLookups());
        LruCache lru = new LruCache(c.hotRows());
        LfuCache lfu = new LfuCache(c.hotRows());
        TierBudgets budgets = TierBudgets.ofRows(1, c.hotRows(), c.warmRows());
        PreviousPlacement prev = PreviousPlacement.NONE;
        LongIntMap hot = new LongIntMap(Math.max(16, c.hotRows()));
        LongIntMap windowIndex = new LongIntMap(1 << 16);
        int[] windowCounts = new int[1 << 16];
        long[] buf = new long[c.windowLookups()];
        List<Window> out = new ArrayList<>();
        // For the hindsight static oracle: every measured lookup, replayed after the run.
        long[] measured = new long[0];
        int measuredLen = 0;
        for (int w = 0; w < c.windows(); w++) {
            int n = source.next(buf, buf.length);
            if (n == 0) break;
            long hitsP = 0, hitsLru = 0, hitsLfu = 0;
            windowIndex.clear();
            int distinct = 0;
            for (int i = 0; i < n; i++) {
                long k = buf[i];
                stats.lookup(k);
                if (hot.get(k) >= 0) hitsP++;
                if (lru.access(k)) hitsLru++;
                if (lfu.access(k)) hitsLfu++;
                int slot = windowIndex.get(k);
                if (slot < 0) {
                    if (distinct == windowCounts.length) windowCounts = Arrays.copyOf(windowCounts, distinct * 2);
                    windowIndex.put(k, distinct);
                    windowCounts[distinct++] = 1;
                } else {
                    windowCounts[slot]++;
                }
            }
            long oracleHits = topSum(windowCounts, distinct, c.hotRows());
            source.endOfWindow(w);

            long t0 = System.nanoTime();
            PlacementResult r = PlacementPlanner.plan(stats.snapshot(), prev, budgets, c.options());
            double planMs = (System.nanoTime() - t0) / 1e6;
            prev = new PreviousPlacement(w + 1, r.rows());
            hot.clear();
            for (long k : r.rows().keys(Tier.HOT)) hot.put(k, 1);

            Window win = new Window(w, n, (double) hitsP / n, (double) oracleHits / n, (double) hitsLru / n,
                    (double) hitsLfu / n, r.summary().promotions(), planMs, Double.NaN);
            if (progress != null) progress.accept(win);
            if (w >= c.warmupWindows()) {
                out.add(win);
                if (measuredLen + n > measured.length) measured = Arrays.copyOf(measured, Math.max(measuredLen + n, measured.length * 2));
                System.arraycopy(buf, 0, measured, measuredLen, n);
                measuredLen += n;
            }
            if (n < buf.length) break;
        }
        return withStaticOracle(out, measured, measuredLen, c.hotRows());
    }

    /**
     * Adds the hindsight static oracle: the K rows most looked up over all measured windows
     * together, fixed for the whole run: the best any placement that does not change could do.
     */
    private static List<Window> withStaticOracle(List<Window> ws, long[] lookups, int len, int k) {
        LongIntMap index = new LongIntMap(1 << 16);
        int[] counts = new int[1 << 16];
        long[] keys = new long[1 << 16];
        int distinct = 0;
        for (int i = 0; i < len; i++) {
            int s = index.get(lookups[i]);
            if (s < 0) {
                if (distinct == counts.length) { counts = Arrays.copyOf(counts, distinct * 2); keys = Arrays.copyOf(keys, distinct * 2); }
                index.put(lookups[i], distinct);
                keys[distinct] = lookups[i];
                counts[distinct++] = 1;
            } else {
                counts[s]++;
            }
        }
        long[] packed = new long[distinct];
        for (int i = 0; i < distinct; i++) packed[i] = ((long) counts[i] << 32) | i;
        Arrays.sort(packed);
        LongIntMap top = new LongIntMap(Math.max(16, k));
        for (int i = distinct - 1; i >= Math.max(0, distinct - k); i--) top.put(keys[(int) packed[i]], 1);
        List<Window> out = new ArrayList<>();
        int pos = 0;
        for (Window w : ws) {
            long hits = 0;
            for (long j = 0; j < w.lookups(); j++) if (top.get(lookups[pos++]) >= 0) hits++;
            out.add(w.withStatic((double) hits / w.lookups()));
        }
        return out;
    }

    /** Sum of the {@code k} largest of {@code counts[0..n)} (the oracle's hits). */
    static long topSum(int[] counts, int n, int k) {
        int[] c = Arrays.copyOf(counts, n);
        Arrays.sort(c);
        long s = 0;
        for (int i = n - 1; i >= Math.max(0, n - k); i--) s += c[i];
        return s;
    }

    /** Mean of a column over windows. */
    public static double mean(List<Window> ws, java.util.function.ToDoubleFunction<Window> f) {
        return ws.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    public static double median(List<Window> ws, java.util.function.ToDoubleFunction<Window> f) {
        double[] v = ws.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
