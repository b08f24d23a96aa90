package io.engramstream.placement.bench;

import io.engramstream.placement.PlacementOptions;
import io.engramstream.placement.PlacementPlanner;
import io.engramstream.placement.PlacementResult;
import io.engramstream.placement.PreviousPlacement;
import io.engramstream.placement.TierBudgets;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Hot-tier hit rate of published placements on the next window of traffic, against, in the same
 * run over the same lookups: the oracle (the K rows most looked up in that very window), an LRU
 * cache and an LFU cache of K rows that update on every lookup. Placement is recomputed from
 * decayed statistics after every window (or every {@link PlacementVariant#every} lookups) and
 * applies only to the lookups after it, as a published snapshot would. Several placement
 * variants run over the same lookups; variants with the same half-life share their statistics.
 * Two bounds on what any placement published at the window boundary can reach: for synthetic
 * traffic that knows its distribution, the K truly most popular rows at publication time
 * ({@code bound}); for any traffic, the in-window oracle restricted to rows looked up before the
 * window ({@code seenOracle}: rows never seen have no statistics to be placed by). The per-lookup
 * loop allocates nothing.
 */
public final class HitRateBench {

    /** One window's hit rates (hits / lookups); {@code placement[v]} etc. per variant. */
    public record Window(int index, long lookups, double[] placements, double oracle, double lru, double lfu,
                         long[] promotionsPerVariant, long[] hotLoadsPerVariant, double[] planMillisPerVariant,
                         double staticOracle, double bound, double seenOracle, double novel, double splitOracle) {
        Window withStatic(double s) {
            return new Window(index, lookups, placements, oracle, lru, lfu, promotionsPerVariant, hotLoadsPerVariant,
                    planMillisPerVariant, s, bound, seenOracle, novel, splitOracle);
        }
        /** The first variant's hit rate. */
        public double placement() { return placements[0]; }
        public double placement(int v) { return placements[v]; }
        public long promotions() { return promotionsPerVariant[0]; }
        public long promotions(int v) { return promotionsPerVariant[v]; }
        public long hotLoads(int v) { return hotLoadsPerVariant[v]; }
        public double planMillis() { return planMillisPerVariant[0]; }
        public double planMillis(int v) { return planMillisPerVariant[v]; }
    }

    public record Config(int windowLookups, int windows, int warmupWindows, int hotRows, int warmRows,
                         List<PlacementVariant> variants, PlacementOptions options) {
        public Config {
            if (variants.isEmpty()) throw new IllegalArgumentException("no placement variant");
            variants = List.copyOf(variants);
        }

        /** One variant: half-life in windows and the options' hysteresis, published once per window. */
        public Config(int windowLookups, int windows, int warmupWindows, int hotRows, int warmRows, double halfLifeWindows,
                      PlacementOptions options) {
            this(windowLookups, windows, warmupWindows, hotRows, warmRows,
                    List.of(new PlacementVariant(halfLifeWindows, options.hysteresis(), 0, 0)), options);
        }
    }

    /** Per-variant running state. */
    private static final class Runner {
        final PlacementVariant variant;
        final LookupStatistics stats;
        final PlacementOptions options;
        final int every;
        final double lifetimeLookups;
        PreviousPlacement prev = PreviousPlacement.NONE;
        final LongIntMap hot;
        long hits, promotions, hotLoads;
        final List<Double> planMs = new ArrayList<>();

        Runner(PlacementVariant v, LookupStatistics stats, Config c) {
            this.variant = v;
            this.stats = stats;
            this.options = c.options().withHysteresis(v.hysteresis());
            this.every = v.every(c.windowLookups());
            this.lifetimeLookups = v.lifetimeHalfLives() * v.halfLifeWindows() * c.windowLookups();
            this.hot = new LongIntMap(Math.max(16, c.hotRows()));
        }

        void publish(TierBudgets budgets) {
            long t0 = System.nanoTime();
            PlacementResult r = PlacementPlanner.plan(stats.snapshot(lifetimeLookups), prev, budgets, options);
            planMs.add((System.nanoTime() - t0) / 1e6);
            promotions += r.summary().promotions();
            SnapshotRows d = r.delta();
            if (d != null) {
                for (int i = 0; i < d.size(); i++) if (d.tierCode(i) == Tier.HOT_CODE && d.previousTierCode(i) != Tier.HOT_CODE) hotLoads++;
            } else {
                hotLoads += r.rows().count(Tier.HOT);
            }
            prev = new PreviousPlacement(prev.version() + 1, r.rows());
            hot.clear();
            for (long k : r.rows().keys(Tier.HOT)) hot.put(k, 1);
        }
    }

    private HitRateBench() {}

    public static List<Window> run(LookupSource source, Config c, Consumer<Window> progress) {
        Map<Double, LookupStatistics> statsByHalfLife = new HashMap<>();
        List<LookupStatistics> allStats = new ArrayList<>();
        int nv = c.variants().size();
        Runner[] runners = new Runner[nv];
        for (int v = 0; v < nv; v++) {
            PlacementVariant pv = c.variants().get(v);
            LookupStatistics s = statsByHalfLife.computeIfAbsent(pv.halfLifeWindows(), hl -> {
                LookupStatistics ls = new LookupStatistics(1 << 20, hl * c.windowLookups());
                allStats.add(ls);
                return ls;
            });
            runners[v] = new Runner(pv, s, c);
        }
        LookupStatistics[] stats = allStats.toArray(new LookupStatistics[0]);
        LookupStatistics seenIndex = stats[0];
        LruCache lru = new LruCache(c.hotRows());
        LfuCache lfu = new LfuCache(c.hotRows());
        TierBudgets budgets = TierBudgets.ofRows(1, c.hotRows(), c.warmRows());
        LongIntMap boundSet = null;
        LongIntMap windowIndex = new LongIntMap(1 << 16);
        int[] windowCounts = new int[1 << 16];
        boolean[] seenBefore = new boolean[1 << 16];
        int[] foldCounts = new int[1 << 16];
        long[] buf = new long[c.windowLookups()];
        List<Window> out = new ArrayList<>();
        // For the hindsight static oracle: every measured lookup, replayed after the run.
        long[] measured = new long[0];
        int measuredLen = 0;
        for (int w = 0; w < c.windows(); w++) {
            int n = source.next(buf, buf.length);
            if (n == 0) break;
            long hitsLru = 0, hitsLfu = 0, hitsBound = 0, novel = 0;
            long[] promosBefore = new long[nv], loadsBefore = new long[nv];
            int[] plansBefore = new int[nv];
            for (int v = 0; v < nv; v++) {
                runners[v].hits = 0;
                promosBefore[v] = runners[v].promotions;
                loadsBefore[v] = runners[v].hotLoads;
                plansBefore[v] = runners[v].planMs.size();
            }
            windowIndex.clear();
            int distinct = 0;
            for (int i = 0; i < n; i++) {
                long k = buf[i];
                int slot = windowIndex.get(k);
                if (slot < 0) {
                    if (distinct == windowCounts.length) {
                        windowCounts = Arrays.copyOf(windowCounts, distinct * 2);
                        seenBefore = Arrays.copyOf(seenBefore, distinct * 2);
                        foldCounts = Arrays.copyOf(foldCounts, distinct * 2);
                    }
                    foldCounts[distinct] = 0;
                    windowIndex.put(k, distinct);
                    seenBefore[distinct] = seenIndex.seen(k);
                    slot = distinct;
                    windowCounts[distinct++] = 1;
                    if (!seenBefore[slot]) novel++;
                } else {
                    windowCounts[slot]++;
                    if (!seenBefore[slot]) novel++;
                }
                if (((i / SPLIT_BLOCK) & 1) == 0) foldCounts[slot]++;
                for (LookupStatistics s : stats) s.lookup(k);
                for (Runner r : runners) if (r.hot.get(k) >= 0) r.hits++;
                if (boundSet != null && boundSet.get(k) >= 0) hitsBound++;
                if (lru.access(k)) hitsLru++;
                if (lfu.access(k)) hitsLfu++;
                if (i + 1 < n) for (Runner r : runners) if (r.every < c.windowLookups() && (i + 1) % r.every == 0) r.publish(budgets);
            }
            long oracleHits = topSum(windowCounts, distinct, c.hotRows());
            int seenDistinct = 0;
            int[] seenCounts = new int[distinct];
            for (int i = 0; i < distinct; i++) if (seenBefore[i]) seenCounts[seenDistinct++] = windowCounts[i];
            long seenOracleHits = topSum(seenCounts, seenDistinct, c.hotRows());
            double split = (double) (splitHits(foldCounts, windowCounts, distinct, c.hotRows(), true)
                    + splitHits(foldCounts, windowCounts, distinct, c.hotRows(), false)) / n;
            double bound = boundSet == null ? Double.NaN : (double) hitsBound / n;
            // The bound for the next window: the true top-K now, before the source drifts.
            long[] top = source.trueTop(c.hotRows());
            if (top != null) {
                if (boundSet == null) boundSet = new LongIntMap(Math.max(16, c.hotRows()));
                boundSet.clear();
                for (long k : top) boundSet.put(k, 1);
            }
            source.endOfWindow(w);

            double[] rates = new double[nv], plan = new double[nv];
            long[] promos = new long[nv], loads = new long[nv];
            for (int v = 0; v < nv; v++) {
                Runner r = runners[v];
                r.publish(budgets);
                rates[v] = (double) r.hits / n;
                promos[v] = r.promotions - promosBefore[v];
                loads[v] = r.hotLoads - loadsBefore[v];
                List<Double> ms = r.planMs.subList(plansBefore[v], r.planMs.size());
                plan[v] = ms.stream().mapToDouble(Double::doubleValue).sorted().skip((ms.size() - 1) / 2).findFirst().orElse(Double.NaN);
            }
            Window win = new Window(w, n, rates, (double) oracleHits / n, (double) hitsLru / n, (double) hitsLfu / n,
                    promos, loads, plan, Double.NaN, bound, (double) seenOracleHits / n, (double) novel / n, split);
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

    /**
     * Split-window oracle, one direction: the window's lookups alternate between two folds in
     * blocks of {@link #SPLIT_BLOCK}; the K rows most looked up in one fold, scored on the other.
     * Both directions together give the hit rate of a placement that knows half of this very
     * window (its topics, its bursts) but not the half it is scored on: what the window's own
     * content, without its sampling noise, makes reachable.
     */
    static long splitHits(int[] foldA, int[] total, int n, int k, boolean aToB) {
        long[] packed = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int from = aToB ? foldA[i] : total[i] - foldA[i];
            if (from > 0) packed[m++] = ((long) from << 32) | i;
        }
        Arrays.sort(packed, 0, m);
        long hits = 0;
        for (int j = m - 1; j >= Math.max(0, m - k); j--) {
            int i = (int) packed[j];
            hits += aToB ? total[i] - foldA[i] : foldA[i];
        }
        return hits;
    }

    /** Lookups per block of the split-window oracle's folds (about 64 tokens of 32 lookups). */
    static final int SPLIT_BLOCK = 2048;

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
