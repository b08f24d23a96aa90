package io.engramstream.placement;

import io.engramstream.snapshot.SnapshotDeltas;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.RowKey;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Tier placement across shards, in four steps that a distributed job runs where its data lives:
 * <ol>
 *   <li>every shard: {@link #observe} each row into its own {@link #newHistogram()};</li>
 *   <li>one place: {@link ScoreHistogram#merge} the shards' histograms, {@link #thresholds};</li>
 *   <li>every shard, given the thresholds: emit rows with
 *       {@link PlacementThresholds#isCandidate} into {@link CandidateRows};</li>
 *   <li>one place: {@link #assemble} the candidates into the exact placement.</li>
 * </ol>
 * Scores must be normalised to the publication time (see {@link DecayedScores}). Ranking uses the
 * score with a residency bonus: {@code score * (1 + hysteresis)} for a row already in that tier
 * (a hot row also counts as resident for the warm ranking). Hot: pinned rows, then the best
 * effective hot scores up to the hot budget; warm: the best effective warm scores among the rest
 * up to the warm budget; per budget group (global or per layer). Then the promotion cap, if any,
 * admits the best-ranked promotions and keeps previous residents in the freed slots. Ties are
 * broken by row key, so the result does not depend on how rows were sharded.
 */
public final class PlacementPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TierBudgets budgets;
    private final PlacementOptions options;
    private final double bonus;

    public PlacementPolicy(TierBudgets budgets, PlacementOptions options) {
        this.budgets = budgets;
        this.options = options;
        this.bonus = 1 + options.hysteresis();
    }

    public TierBudgets budgets() { return budgets; }
    public PlacementOptions options() { return options; }

    /** An empty histogram for one shard (step 1). */
    public ScoreHistogram newHistogram() { return new ScoreHistogram(budgets.groups()); }

    /** Budget group of a row. */
    public int groupOf(long key) {
        int l = RowKey.layerIndex(key);
        if (budgets.isPerLayer() && l >= budgets.groups())
            throw new IllegalArgumentException("row " + RowKey.toString(key) + " has no per-layer budget (" + budgets.groups() + " layers budgeted)");
        return budgets.groupOf(l);
    }

    public double effectiveHot(double score, byte previousTier) {
        return previousTier == Tier.HOT_CODE ? score * bonus : score;
    }

    public double effectiveWarm(double score, byte previousTier) {
        return previousTier != Tier.COLD_CODE ? score * bonus : score;
    }

    /** Step 1: counts one row of a shard. Allocation-free. */
    public void observe(ScoreHistogram h, long key, double score, byte previousTier) {
        int g = groupOf(key);
        h.addCoverage(g, score);
        if (!options.isPinned(key)) h.addRanked(g, effectiveHot(score, previousTier), effectiveWarm(score, previousTier));
    }

    /** Step 2: thresholds from the merged histogram of all shards. */
    public PlacementThresholds thresholds(ScoreHistogram merged) {
        int groups = budgets.groups();
        long[] pinned = pinnedPerGroup();
        double[] hot = new double[groups], warm = new double[groups];
        for (int g = 0; g < groups; g++) {
            long kh = Math.max(0, budgets.hotRows(g) - pinned[g]);
            hot[g] = merged.hotThreshold(g, kh);
            warm[g] = merged.warmThreshold(g, kh + budgets.warmRows(g));
        }
        return new PlacementThresholds(budgets, options, hot, warm);
    }

    private long[] pinnedPerGroup() {
        long[] n = new long[budgets.groups()];
        for (long k : options.pinned()) n[groupOf(k)]++;
        return n;
    }

    /**
     * Step 4: the exact placement from all shards' candidates. Previous residents and pinned rows
     * that no shard emitted (statistics lost) are added with score 0 so that the delta and the
     * budgets stay right. Does not modify {@code candidates}' contents beyond sorting them.
     */
    public PlacementResult assemble(CandidateRows candidates, PreviousPlacement previous, PlacementThresholds thresholds) {
        CandidateRows c = withMissingResidents(candidates, previous);
        int n = c.size;
        int groups = budgets.groups();
        long[] hotCap = new long[groups], warmCap = new long[groups];
        for (int g = 0; g < groups; g++) { hotCap[g] = budgets.hotRows(g); warmCap[g] = budgets.warmRows(g); }

        byte[] tier = new byte[n];
        Arrays.fill(tier, Tier.COLD_CODE);
        int[] group = new int[n];
        long[] hotCount = new long[groups], warmCount = new long[groups];
        long promoBudget = options.maxPromotions();
        long promotions = 0, deferred = 0;

        // Pinned rows first: always hot, admitted even past the promotion cap.
        boolean[] pinned = new boolean[n];
        for (int i = 0; i < n; i++) {
            group[i] = groupOf(c.keys[i]);
            if (options.isPinned(c.keys[i])) {
                pinned[i] = true;
                tier[i] = Tier.HOT_CODE;
                if (++hotCount[group[i]] > hotCap[group[i]])
                    throw new IllegalArgumentException("pinned rows exceed the hot budget of group " + group[i] + " (" + hotCap[group[i]] + " rows)");
                if (c.previousTiers[i] != Tier.HOT_CODE) { promotions++; promoBudget--; }
            }
        }
        promoBudget = Math.max(0, promoBudget);

        // Hot: target = best effective hot scores; promotions admitted in rank order up to the cap.
        int[] order = rank(c, pinned, null, true, thresholds, group, hotCap, hotCount, promoBudget);
        long[] target = hotCount.clone();
        for (int i : order) {
            int g = group[i];
            if (target[g] >= hotCap[g]) continue;
            target[g]++;
            if (c.previousTiers[i] == Tier.HOT_CODE) { tier[i] = Tier.HOT_CODE; hotCount[g]++; }
            else if (promoBudget > 0) { tier[i] = Tier.HOT_CODE; hotCount[g]++; promoBudget--; promotions++; }
            else deferred++;
        }
        // Slots the cap left empty keep their previous hot rows (no load needed).
        for (int i : order) {
            int g = group[i];
            if (tier[i] == Tier.COLD_CODE && c.previousTiers[i] == Tier.HOT_CODE && hotCount[g] < hotCap[g]) { tier[i] = Tier.HOT_CODE; hotCount[g]++; }
        }

        // Warm: among rows not hot, best effective warm scores.
        int[] order2 = rank(c, pinned, tier, false, thresholds, group, warmCap, new long[groups], promoBudget);
        Arrays.fill(target, 0);
        for (int i : order2) {
            int g = group[i];
            if (target[g] >= warmCap[g]) continue;
            target[g]++;
            if (c.previousTiers[i] != Tier.COLD_CODE) { tier[i] = Tier.WARM_CODE; warmCount[g]++; }
            else if (promoBudget > 0) { tier[i] = Tier.WARM_CODE; warmCount[g]++; promoBudget--; promotions++; }
            else deferred++;
        }
        for (int i : order2) {
            int g = group[i];
            if (tier[i] == Tier.COLD_CODE && c.previousTiers[i] != Tier.COLD_CODE && warmCount[g] < warmCap[g]) { tier[i] = Tier.WARM_CODE; warmCount[g]++; }
        }

        long hot = 0, warm = 0;
        for (int g = 0; g < groups; g++) { hot += hotCount[g]; warm += warmCount[g]; }
        SnapshotRows rows = SnapshotRows.full((int) (hot + warm));
        long demotions = 0;
        for (int i = 0; i < n; i++) {
            if (tier[i] > c.previousTiers[i]) demotions++;
            if (tier[i] != Tier.COLD_CODE) rows.add(c.keys[i], tier[i], c.scores[i], c.counts[i], c.lastAccess[i]);
        }
        SnapshotRows delta = previous.version() > 0 ? SnapshotDeltas.diff(previous.rows(), rows) : null;
        return new PlacementResult(rows, delta, previous.version(), budgets,
                new PlacementSummary(candidates.size(), hot, warm, promotions, demotions, deferred), thresholds, null);
    }

    /**
     * Indices of the non-pinned candidates (for warm: not already hot) that can matter for a tier,
     * in descending effective score, ties by ascending key. Only rows at or above the tier's
     * threshold can be chosen by score, and previous residents can fill slots, so the rest is left
     * out. When everything eligible fits and every promotion is affordable, order cannot change the
     * outcome and sorting is skipped. Sorting packs (float score bits, inverted index) into longs.
     */
    private int[] rank(CandidateRows c, boolean[] pinned, byte[] exclude, boolean hotRanking, PlacementThresholds t,
                       int[] group, long[] cap, long[] used, long promoBudget) {
        int n = c.size, m = 0;
        long[] packed = new long[n];
        long[] eligible = new long[cap.length];
        long promotions = 0;
        for (int i = 0; i < n; i++) {
            if (pinned[i] || (exclude != null && exclude[i] == Tier.HOT_CODE)) continue;
            byte prev = c.previousTiers[i];
            double eff = hotRanking ? effectiveHot(c.scores[i], prev) : effectiveWarm(c.scores[i], prev);
            boolean resident = hotRanking ? prev == Tier.HOT_CODE : prev != Tier.COLD_CODE;
            double threshold = t == null ? 0 : hotRanking ? t.hotThreshold(group[i]) : t.warmThreshold(group[i]);
            if (!resident && !(eff >= threshold)) continue;
            eligible[group[i]]++;
            if (!resident) promotions++;
            float f = eff > 0 ? (float) eff : 0f;
            packed[m++] = ((long) Float.floatToRawIntBits(f) << 32) | (0xFFFFFFFFL - i);
        }
        boolean orderMatters = promotions > promoBudget;
        for (int g = 0; g < cap.length && !orderMatters; g++) orderMatters = eligible[g] > cap[g] - used[g];
        if (orderMatters) {
            if (m > 1 << 20) Arrays.parallelSort(packed, 0, m); else Arrays.sort(packed, 0, m);
        }
        int[] order = new int[m];
        for (int k = 0; k < m; k++) order[k] = (int) (0xFFFFFFFFL - (packed[m - 1 - k] & 0xFFFFFFFFL));
        return order;
    }

    private CandidateRows withMissingResidents(CandidateRows candidates, PreviousPlacement previous) {
        candidates.sortByKey();
        long[] pinned = options.pinned();
        CandidateRows extra = null;
        SnapshotRows prev = previous.rows();
        int i = 0;
        for (int j = 0; j < prev.size(); j++) {
            long k = prev.key(j);
            while (i < candidates.size && candidates.keys[i] < k) i++;
            if (i >= candidates.size || candidates.keys[i] != k) {
                if (extra == null) extra = new CandidateRows(16);
                extra.add(k, 0, prev.count(j), prev.lastAccess(j), prev.tierCode(j));
            }
        }
        for (long k : pinned) {
            if (Arrays.binarySearch(candidates.keys, 0, candidates.size, k) < 0 && previous.tierOf(k) == Tier.COLD_CODE) {
                if (extra == null) extra = new CandidateRows(16);
                extra.add(k, 0, 0, 0, Tier.COLD_CODE);
            }
        }
        if (extra == null) return candidates;
        CandidateRows all = new CandidateRows(candidates.size + extra.size).addAll(candidates).addAll(extra);
        all.sortByKey();
        return all;
    }
}
