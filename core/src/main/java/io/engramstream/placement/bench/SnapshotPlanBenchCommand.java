package io.engramstream.placement.bench;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.config.EngramConfig;
import io.engramstream.placement.PlacementOptions;
import io.engramstream.placement.PlacementResult;
import io.engramstream.placement.PreviousPlacement;
import io.engramstream.placement.StatsSnapshotPublisher;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsPartHeader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram bench snapshot-plan}: planning a snapshot from a statistics publication on disk the
 * way the job does it (the {@link io.engramstream.placement.StreamingPlanner}: two streaming passes
 * over the part files, only candidates kept) against the baseline of gathering every row first
 * ({@code StatsDirectory.readRows} + {@code PlacementPlanner}); time and peak heap of each, same
 * publication, same previous placement, same run. Checks that both plans are equal.
 */
@Command(name = "snapshot-plan", mixinStandardHelpOptions = true,
        description = {"Snapshot planning from statistics part files: streaming (histograms + candidates) vs gather-all;",
                "time and peak heap for a large publication (default 10M rows)."})
public final class SnapshotPlanBenchCommand implements Callable<Integer>, EngramCommand {
    @Option(names = "--rows", defaultValue = "10000000", description = "Rows with statistics (default: ${DEFAULT-VALUE}).")
    int rows;
    @Option(names = "--parts", defaultValue = "4", description = "Part files (= statistics subtasks) (default: ${DEFAULT-VALUE}).")
    int parts;
    @Option(names = "--hot-share", defaultValue = "0.01", description = "Hot budget as a share of the rows (default: ${DEFAULT-VALUE}).")
    double hotShare;
    @Option(names = "--warm-share", defaultValue = "0.1", description = "Warm budget as a share of the rows (default: ${DEFAULT-VALUE}).")
    double warmShare;
    @Option(names = "--repeat", defaultValue = "3", description = "Repetitions, median reported (default: ${DEFAULT-VALUE}).")
    int repeat;
    @Option(names = "--only", defaultValue = "both", description = "streaming, gather or both (default: ${DEFAULT-VALUE}).")
    String only;
    @Option(names = "--dir", paramLabel = "DIR", description = "Where to write the publication (default: a temporary directory, deleted).")
    Path dir;

    @Override public String group() { return "bench"; }

    @Override public Integer call() throws Exception {
        if (rows < 1000 || parts < 1 || repeat < 1) throw new UserError("--rows >= 1000, --parts >= 1, --repeat >= 1");
        if (!(hotShare >= 0 && warmShare >= 0 && hotShare + warmShare <= 1)) throw new UserError("--hot-share and --warm-share: shares in [0, 1]");
        if (!List.of("both", "streaming", "gather").contains(only)) throw new UserError("--only must be streaming, gather or both");
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "engram bench snapshot-plan: %d cores, Java %s (%s), max heap %.2f GiB%n", rt.availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.maxMemory() / (double) (1L << 30));
        EngramSpec spec = EngramSpec.demo();
        RowLayout layout = RowLayout.of(spec);
        if (rows > layout.totalRows()) throw new UserError("--rows exceeds the demo spec's " + layout.totalRows() + " rows");
        Path work = dir != null ? dir : Files.createTempDirectory("engram-plan-bench");
        try {
            String tag = "cp-000000000001";
            System.out.printf(Locale.ROOT, "writing %,d rows in %d parts...%n", rows, parts);
            Path pub = write(work, tag, spec, layout);
            EngramConfig config = new EngramConfig()
                    .set(PlacementOptions.HOT_BYTES, (long) (rows * hotShare) * spec.bytesPerRow())
                    .set(PlacementOptions.WARM_BYTES, (long) (rows * warmShare) * spec.bytesPerRow());
            // The placement in force: this publication's own plan (so hysteresis and the delta do real work).
            PlacementResult first = StatsSnapshotPublisher.planStreaming(pub, PreviousPlacement.NONE, config);
            PreviousPlacement previous = new PreviousPlacement(1, first.rows());
            first = null;
            System.out.printf(Locale.ROOT, "publication: %,d rows, %.0f MB of part files; budgets hot %,d + warm %,d rows; previous placement %,d rows%n",
                    rows, Files.size(pub.resolve(StatsDirectory.partName(0, parts))) * (double) parts / 1e6,
                    (long) (rows * hotShare), (long) (rows * warmShare), previous.size());
            double[] streamMs = new double[repeat], gatherMs = new double[repeat];
            long streamPeak = 0, gatherPeak = 0;
            PlacementResult s = null, g = null;
            for (int r = 0; r < repeat; r++) {
                if (!only.equals("gather")) {
                    s = null;
                    long base = settle();
                    long t = System.nanoTime();
                    s = StatsSnapshotPublisher.planStreaming(pub, previous, config);
                    streamMs[r] = (System.nanoTime() - t) / 1e6;
                    streamPeak = Math.max(streamPeak, peakHeap() - base);
                }
                if (!only.equals("streaming")) {
                    g = null;
                    long base = settle();
                    long t = System.nanoTime();
                    g = StatsSnapshotPublisher.planAllRows(pub, previous, config);
                    gatherMs[r] = (System.nanoTime() - t) / 1e6;
                    gatherPeak = Math.max(gatherPeak, peakHeap() - base);
                }
                System.out.printf(Locale.ROOT, "  run %d/%d: streaming %.0f ms, gather-all %.0f ms%n", r + 1, repeat, streamMs[r], gatherMs[r]);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "| path | median time | peak heap above baseline | candidates kept |%n|---|---:|---:|---:|%n");
            if (s != null) System.out.printf(Locale.ROOT, "| streaming (StreamingPlanner, the job's) | %.0f ms | %.0f MB | %,d |%n",
                    median(streamMs), streamPeak / 1e6, s.summary().candidates());
            if (g != null) System.out.printf(Locale.ROOT, "| gather-all (readRows + PlacementPlanner) | %.0f ms | %.0f MB | %,d |%n",
                    median(gatherMs), gatherPeak / 1e6, g.summary().candidates());
            if (s != null && g != null) {
                boolean same = s.rows().equals(g.rows()) && s.summary().equals(g.summary())
                        && (s.delta() == null ? g.delta() == null : s.delta().equals(g.delta()));
                System.out.printf(Locale.ROOT, "ratio: time %.2fx, peak heap %.1fx less; plans equal: %s%n",
                        median(gatherMs) / median(streamMs), gatherPeak / (double) Math.max(1, streamPeak), same ? "yes" : "NO");
                if (!same) return 1;
            }
            return 0;
        } finally {
            if (dir == null) deleteTree(work);
        }
    }

    private Path write(Path out, String tag, EngramSpec spec, RowLayout layout) throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        long total = layout.totalRows();
        long step = total / rows;   // spread rows over the table; each part holds a share of key ranges (as shards do)
        int perPart = (rows + parts - 1) / parts;
        long clock = 1_000_000_000L;
        int written = 0;
        for (int p = 0; p < parts; p++) {
            int n = Math.min(perPart, rows - written);
            RowStatsColumns cols = new RowStatsColumns(n);
            for (int i = 0; i < n; i++) {
                long flat = (long) (written + i) * step;
                int layer = 0;
                long row = flat;
                while (row >= layout.rowsPerLayer(layer)) { row -= layout.rowsPerLayer(layer); layer++; }
                double score = Math.exp(rnd.nextGaussian() * 2);
                cols.add(RowKey.of(layer, row), 1 + (long) score, 0, score, clock - rnd.nextLong(1_000_000));
            }
            written += n;
            StatsDirectory.publishPart(out, new StatsPartHeader(StatsPartHeader.FORMAT_VERSION, tag, p, parts, 128, spec.fingerprint(),
                    spec.canonicalMapId(), "0000000000000000", spec.toJson(), "tokens", clock, 1e8, 1, 1, 0, 0, 0, 0, n, 0), cols);
        }
        return StatsDirectory.root(out).resolve(tag);
    }

    /** Collects garbage, resets the pools' peaks; returns the heap in use. */
    private static long settle() {
        for (int i = 0; i < 3; i++) System.gc();
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() != MemoryType.HEAP) continue;
            p.resetPeakUsage();
            used += p.getUsage().getUsed();
        }
        return used;
    }

    /** Sum of the heap pools' peaks since {@link #settle} (an upper bound of the peak heap in use). */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        return peak;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
