package io.engramstream.stats.job;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.ScoreDecay;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram stats top}: the hottest rows of the latest published statistics. */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Prints the hottest rows (by decayed score, then count) of the statistics in OUT/stats: layer, order, head, bucket, count, score.")
public final class StatsTopCommand implements Callable<Integer>, EngramCommand {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "engram-out", description = "Output directory of engram run (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--k", defaultValue = "20", description = "Rows to print (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--csv", description = "CSV with a header line instead of a table.")
    boolean csv;

    @Option(names = "--by", defaultValue = "score", description = "Rank by score or count (default: ${DEFAULT-VALUE}).")
    String by;

    @Override public String group() { return "stats"; }

    @Override public Integer call() throws Exception {
        if (k < 1) throw new UserError("--k must be >= 1");
        if (!by.equals("score") && !by.equals("count")) throw new UserError("--by must be score or count");
        if (!Files.isDirectory(out)) throw new UserError("no such directory: " + out);
        Optional<Path> pub = StatsDirectory.latest(out);
        if (pub.isEmpty()) throw new UserError("no published statistics under " + StatsDirectory.root(out) + " (run engram run --out " + out + " first)");
        StatsSummary s = StatsDirectory.readSummary(pub.get());
        EngramSpec spec = EngramSpec.parse(s.specJson(), false, "summary.json");
        RowLayout layout = layout(spec);
        RowStatsColumns rows = StatsDirectory.readRows(pub.get());
        double lambda = s.lambda();
        long at = s.clockNow();
        int[] top = TopRows.select(rows, Math.min(k, rows.size()), by.equals("count"), at, lambda);
        PrintStream o = System.out;
        if (csv) {
            o.println("layer,order,head,bucket,count,score,corpus_count,inference_count,last_access");
        } else {
            o.printf("statistics %s: %,d tokens, %,d lookups, %,d distinct rows; score = decayed weighted count at %s clock %d (half-life %s)%n",
                    s.tag(), s.tokens(), s.lookups(), s.distinctRows(), s.clock(), at, s.halfLife() > 0 ? String.valueOf(s.halfLife()) : "none");
            o.printf("%5s %5s %4s %10s %14s %16s %8s%n", "layer", "order", "head", "bucket", "count", "score", "share");
        }
        for (int r : top) {
            long key = rows.key(r);
            int li = RowKey.layerIndex(key);
            long row = RowKey.row(key);
            int layerId = spec.layerId(li);
            int order = layout.order(li, row), head = layout.head(li, row);
            long bucket = layout.bucket(li, row);
            double score = rows.scoreAt(r, at, lambda);
            if (csv) {
                o.printf("%d,%d,%d,%d,%d,%.6g,%d,%d,%d%n", layerId, order, head, bucket, rows.count(r), score,
                        rows.corpus(r), rows.inference(r), rows.last(r));
            } else {
                o.printf("%5d %5d %4d %10d %,14d %16.6g %7.4f%%%n", layerId, order, head, bucket, rows.count(r), score,
                        100.0 * rows.count(r) / Math.max(1, s.lookups()));
            }
        }
        return 0;
    }

    static RowLayout layout(EngramSpec spec) {
        long[][] offsets = new long[spec.numLayers()][];
        for (int l = 0; l < spec.numLayers(); l++) offsets[l] = spec.headOffsets(l);
        return new RowLayout(spec.layerIds(), spec.headsPerNgram(), offsets);
    }

    /** Top-k row indexes by score (or count), best first, with a bounded min-heap. */
    static final class TopRows {
        static int[] select(RowStatsColumns rows, int k, boolean byCount, long at, double lambda) {
            int[] heap = new int[k];
            double[] val = new double[k];
            int n = 0;
            for (int r = 0; r < rows.size(); r++) {
                double v = byCount ? rows.count(r) : ScoreDecay.at(rows.scoreAtLast(r), rows.last(r), at, lambda);
                if (n < k) {
                    heap[n] = r;
                    val[n] = v;
                    for (int i = n++; i > 0; ) {
                        int p = (i - 1) >>> 1;
                        if (val[p] <= val[i]) break;
                        swap(heap, val, i, p);
                        i = p;
                    }
                } else if (v > val[0]) {
                    heap[0] = r;
                    val[0] = v;
                    for (int i = 0; ; ) {
                        int l = 2 * i + 1, m = i;
                        if (l < n && val[l] < val[m]) m = l;
                        if (l + 1 < n && val[l + 1] < val[m]) m = l + 1;
                        if (m == i) break;
                        swap(heap, val, i, m);
                        i = m;
                    }
                }
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(val[b], val[a]));
            int[] out = new int[n];
            for (int i = 0; i < n; i++) out[i] = heap[order[i]];
            return out;
        }

        private static void swap(int[] h, double[] v, int a, int b) {
            int t = h[a]; h[a] = h[b]; h[b] = t;
            double d = v[a]; v[a] = v[b]; v[b] = d;
        }
    }
}
