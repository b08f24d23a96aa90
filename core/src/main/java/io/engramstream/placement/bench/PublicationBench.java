package io.engramstream.placement.bench;

import io.engramstream.placement.PlacementOptions;
import io.engramstream.placement.PlacementPlanner;
import io.engramstream.placement.PlacementResult;
import io.engramstream.placement.PreviousPlacement;
import io.engramstream.placement.RowStats;
import io.engramstream.placement.TierBudgets;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotReader;
import io.engramstream.snapshot.SnapshotWriter;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.snapshot.WrittenFile;
import io.engramstream.spec.RowKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Time to publish a placement of a large table: plan (histogram, thresholds, candidates, exact
 * assembly), write the full snapshot (plain and ZSTD) and the delta, read it back; against the
 * baseline of gathering every row and fully sorting by score.
 */
public final class PublicationBench {
    private PublicationBench() {}

    /**
     * Median milliseconds per step, and sizes, for a table of {@code rows} rows that all have
     * statistics, with {@code hotShare} and {@code warmShare} of them as budgets.
     */
    public static Map<String, double[]> run(RowLayout layout, int rows, double hotShare, double warmShare, int repeats, Path tmpDir,
                                            java.util.function.Consumer<String> progress) throws IOException {
        if (rows > layout.rowsPerLayer(0) * layout.numLayers()) throw new IllegalArgumentException("table smaller than " + rows + " rows");
        SplittableRandom rnd = new SplittableRandom(7);
        long[] keys = new long[rows];
        double[] scores = new double[rows];
        long[] counts = new long[rows];
        long[] last = new long[rows];
        long perLayer = layout.rowsPerLayer(0);
        for (int i = 0; i < rows; i++) {
            keys[i] = RowKey.of((int) (i / perLayer), i % perLayer);
            scores[i] = Math.exp(rnd.nextGaussian() * 2);
            counts[i] = 1 + (long) scores[i];
            last[i] = i;
        }
        RowStats stats = new RowStats(rows, keys, scores, counts, last);
        TierBudgets budgets = TierBudgets.ofRows(256, (long) (rows * hotShare), (long) (rows * warmShare));
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int rep = 0; rep < repeats; rep++) {
            progress.accept("publication run " + (rep + 1) + "/" + repeats);
            long t = System.nanoTime();
            PlacementResult first = PlacementPlanner.plan(stats, PreviousPlacement.NONE, budgets, PlacementOptions.DEFAULT, layout);
            add(ms, "plan (first, no previous)", t);

            // Next publication: scores moved a little; plan against the previous placement and write a delta.
            double[] s2 = scores.clone();
            for (int i = 0; i < rows; i += 7) s2[i] *= 1.5;
            RowStats stats2 = new RowStats(rows, keys, s2, counts, last);
            PreviousPlacement prev = new PreviousPlacement(1, first.rows());
            t = System.nanoTime();
            PlacementResult second = PlacementPlanner.plan(stats2, prev, budgets, PlacementOptions.DEFAULT, layout);
            add(ms, "plan (with previous, hysteresis, delta)", t);

            t = System.nanoTime();
            io.engramstream.snapshot.SnapshotRows naive = baselineFullSort(stats2, prev, budgets);
            add(ms, "baseline: gather all rows, full sort, diff", t);
            if (naive.size() != second.rows().size()) throw new IllegalStateException("baseline placed a different number of rows");

            SnapshotMetadata meta = SnapshotMetadata.full(2, 1, "bench", "bench", System.currentTimeMillis(), SourcePosition.NONE,
                    budgets, layout.layerIds());
            Path f = tmpDir.resolve("bench-snapshot.arrow");
            t = System.nanoTime();
            WrittenFile plain = SnapshotWriter.write(f, meta, second.rows(), layout, WriteOptions.DEFAULT);
            add(ms, "write full snapshot (uncompressed)", t);
            out.put("bytes uncompressed", new double[]{plain.bytes()});
            t = System.nanoTime();
            SnapshotReader.read(f);
            add(ms, "read full snapshot (uncompressed)", t);
            t = System.nanoTime();
            WrittenFile z = SnapshotWriter.write(tmpDir.resolve("bench-snapshot-zstd.arrow"), meta, second.rows(), layout, WriteOptions.ZSTD);
            add(ms, "write full snapshot (zstd)", t);
            out.put("bytes zstd", new double[]{z.bytes()});
            t = System.nanoTime();
            WrittenFile d = SnapshotWriter.write(tmpDir.resolve("bench-delta.arrow"), meta.asDelta(), second.delta(), layout, WriteOptions.DEFAULT);
            add(ms, "write delta (uncompressed)", t);
            out.put("delta rows", new double[]{second.delta().size()});
            out.put("delta bytes", new double[]{d.bytes()});
            out.put("snapshot rows", new double[]{second.rows().size()});
            Files.deleteIfExists(f);
            Files.deleteIfExists(tmpDir.resolve("bench-snapshot-zstd.arrow"));
            Files.deleteIfExists(tmpDir.resolve("bench-delta.arrow"));
        }
        for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.put(e.getKey(), new double[]{v[v.length / 2]});
        }
        return out;
    }

    private static void add(Map<String, List<Double>> ms, String step, long t0) {
        ms.computeIfAbsent(step, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
    }

    /**
     * The naive way to the same kind of output (without hysteresis): every row's (score, index)
     * in one array, fully sorted, tiers assigned by rank, rows rebuilt in key order, delta by diff.
     */
    static io.engramstream.snapshot.SnapshotRows baselineFullSort(RowStats s, PreviousPlacement prev, TierBudgets b) {
        int n = s.size();
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) packed[i] = ((long) Float.floatToRawIntBits((float) s.scores()[i]) << 32) | (0xFFFFFFFFL - i);
        Arrays.parallelSort(packed);
        byte[] tier = new byte[n];
        Arrays.fill(tier, io.engramstream.snapshot.Tier.COLD_CODE);
        long hot = b.hotRows(0), warm = b.warmRows(0);
        for (int k = 0; k < n && k < hot + warm; k++) {
            int i = (int) (0xFFFFFFFFL - (packed[n - 1 - k] & 0xFFFFFFFFL));
            tier[i] = k < hot ? io.engramstream.snapshot.Tier.HOT_CODE : io.engramstream.snapshot.Tier.WARM_CODE;
        }
        io.engramstream.snapshot.SnapshotRows rows = io.engramstream.snapshot.SnapshotRows.full((int) Math.min(n, hot + warm));
        for (int i = 0; i < n; i++)
            if (tier[i] != io.engramstream.snapshot.Tier.COLD_CODE) rows.add(s.keys()[i], tier[i], s.scores()[i], s.counts()[i], s.lastAccess()[i]);
        io.engramstream.snapshot.SnapshotDeltas.diff(prev.rows(), rows);
        return rows;
    }
}
