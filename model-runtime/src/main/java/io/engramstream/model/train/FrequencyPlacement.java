package io.engramstream.model.train;

import io.engramstream.hash.HashStream;
import io.engramstream.hash.NgramHasher;
import io.engramstream.model.memory.LongIndexMap;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.PlacementPlan;
import java.util.Arrays;

/**
 * A placement for training on the tiered store without a statistics job: the rows the training
 * split reads most often go hot, the next ones warm, the rest stay cold. (In production the
 * placement comes from the statistics job's snapshots; this gives a training run all three tiers.)
 */
public final class FrequencyPlacement {
    private FrequencyPlacement() {}

    public static PlacementPlan plan(EngramSpec spec, int[] canonicalTokens, long hotRows, long warmRows, String canonicalMapFingerprint) {
        NgramHasher hasher = new NgramHasher(spec);
        HashStream stream = hasher.newStream();
        int chunk = 4096;
        long[] keys = new long[spec.numLayers() * chunk * spec.headsPerLayer()];
        LongIndexMap slots = new LongIndexMap(1 << 16);
        long[] counts = new long[1 << 16];
        for (int off = 0; off < canonicalTokens.length; off += chunk) {
            int len = Math.min(chunk, canonicalTokens.length - off);
            stream.hashChunkRowKeys(canonicalTokens, off, len, keys);
            int n = spec.numLayers() * len * spec.headsPerLayer();
            for (int i = 0; i < n; i++) {
                int s = slots.getOrAdd(keys[i]);
                if (s >= counts.length) counts = Arrays.copyOf(counts, counts.length * 2);
                counts[s]++;
            }
        }
        int n = slots.size();
        // Rank by (count desc, key asc): pack into sortable longs is not possible for 64-bit keys, so sort slot indices.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        final long[] c = counts;
        final long[] k = slots.keysBySlot();
        Arrays.sort(order, (a, b) -> c[a] != c[b] ? Long.compare(c[b], c[a]) : Long.compare(k[a], k[b]));
        int hot = (int) Math.min(hotRows, n), warm = (int) Math.min(warmRows, n - hot);
        long[] hotKeys = new long[hot], warmKeys = new long[warm];
        for (int i = 0; i < hot; i++) hotKeys[i] = k[order[i]];
        for (int i = 0; i < warm; i++) warmKeys[i] = k[order[hot + i]];
        Arrays.sort(hotKeys);
        Arrays.sort(warmKeys);
        return PlacementPlan.full("train-frequency-" + hot + "-" + warm, hotKeys, warmKeys, spec.fingerprint(), canonicalMapFingerprint);
    }
}
