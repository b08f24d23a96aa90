package io.engramstream.model.train;

import io.engramstream.bench.BenchmarkResult;
import io.engramstream.bench.HeadlineBenchmark;
import io.engramstream.cli.EngramCommand;
import io.engramstream.config.EngramConfig;
import io.engramstream.config.OptionSupport;
import io.engramstream.model.EngineThreads;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code engram bench model}: the evidence that the Engram tables are learnable memory. Trains the
 * same small LM three times on the same batches (same seeds): without Engram (the baseline), with
 * Engram on a flat in-memory table, and with Engram on the tiered store; prints held-out loss at
 * equal steps and how far the tiered curve is from the flat one; writes the curves as CSV and PNG.
 */
@Command(name = "model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the small LM without Engram, with Engram on a flat table and with Engram on the tiered",
                "store (same seeds, same batches) and compares held-out loss at equal steps; writes",
                "model-curves.csv and model-curves.png."})
public final class ModelBenchCommand implements EngramCommand, Callable<Integer>, HeadlineBenchmark {
    private CommandSpec spec;
    private final List<BenchmarkResult> headline = new ArrayList<>();

    @Option(names = "--corpus", defaultValue = TextCorpus.EUROPARL, paramLabel = "PATH", description = "Corpus (default: ${DEFAULT-VALUE}).")
    String corpus;

    @Option(names = "--steps", defaultValue = "300", paramLabel = "N", description = "Steps per run (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--out", defaultValue = "target/bench-model", paramLabel = "DIR", description = "Where the CSV and PNG go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--skip-tiered", description = "Leave out the tiered-store run.")
    boolean skipTiered;

    @Override public String group() { return "bench"; }

    /** About a minute on 2 cores: a narrower model, fewer steps, all three runs. */
    @Override
    public List<String> quickArgs() {
        return List.of("--steps", "60", "--hidden", "64", "--batch", "8", "--eval-every", "30", "--threads", "1");
    }

    @Override public List<BenchmarkResult> headline() { return List.copyOf(headline); }

    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        OptionSupport.register(spec, TrainOptions.ALL);
    }

    @Override
    public Integer call() throws Exception {
        headline.clear();
        EngramConfig c = OptionSupport.read(spec, TrainOptions.ALL);
        int threads = EngineThreads.use(c.get(TrainOptions.THREADS));
        Files.createDirectories(out);
        TrainSession.Request base = new TrainSession.Request(corpus, c.get(TrainOptions.LANGUAGE), c.get(TrainOptions.CORPUS_CHARS),
                c.get(TrainOptions.VALID_EVERY), c.get(TrainOptions.TOKENIZER), c.get(TrainOptions.SPEC), c.get(TrainOptions.VOCAB),
                c.get(TrainOptions.HIDDEN), c.get(TrainOptions.LAYERS), c.get(TrainOptions.HEADS), false, TableSetup.FLAT,
                TrainOptions.settings(c), steps, null, 0);
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s (%s), PyTorch intra-op threads %d%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), System.getProperty("java.vm.name"), threads);
        TrainSession.Prepared prepared = TrainSession.prepare(base, null, System.out::println);

        Map<String, TrainSession.Result> results = new LinkedHashMap<>();
        results.put("baseline (no Engram)", run(base, prepared, "baseline"));
        results.put("Engram, flat table", run(base.withEngram(true), prepared, "engram-flat"));
        if (!skipTiered) {
            Path tableDir = Files.createTempDirectory("engram-bench-table");
            try {
                results.put("Engram, tiered store", run(base.withEngram(true).withTable(
                        TableSetup.tiered(tableDir, c.get(TrainOptions.HOT_ROWS), c.get(TrainOptions.WARM_ROWS))), prepared, "engram-tiered"));
            } finally {
                Checkpoint.deleteTree(tableDir);
            }
        }
        writeCsv(results);
        plot(results);
        printTable(results, prepared, base);
        return 0;
    }

    private static TrainSession.Result run(TrainSession.Request r, TrainSession.Prepared p, String tag) throws Exception {
        System.out.println("== " + tag);
        return TrainSession.run(r, p, line -> System.out.println("  " + line));
    }

    private void writeCsv(Map<String, TrainSession.Result> results) throws Exception {
        StringBuilder sb = new StringBuilder("run,").append(CurvePoint.CSV_HEADER).append('\n');
        for (var e : results.entrySet()) {
            for (CurvePoint p : e.getValue().curve()) sb.append('"').append(e.getKey()).append("\",").append(p.csv()).append('\n');
        }
        Files.writeString(out.resolve("model-curves.csv"), sb, StandardCharsets.UTF_8);
    }

    private void plot(Map<String, TrainSession.Result> results) throws Exception {
        Color[] colors = {new Color(110, 110, 110), new Color(31, 119, 180), new Color(214, 39, 40)};
        LossPlot plot = new LossPlot("Europarl (English) held-out loss, same seeds and batches: Engram vs the same model without it",
                "step", "cross-entropy (nats/token)");
        int i = 0;
        double firstEval = Double.NaN;
        for (var e : results.entrySet()) {
            List<CurvePoint> curve = e.getValue().curve();
            double[] x = new double[curve.size()], train = new double[curve.size()];
            List<double[]> valid = new ArrayList<>();
            for (int k = 0; k < curve.size(); k++) {
                x[k] = curve.get(k).step();
                train[k] = curve.get(k).trainLoss();
                if (!Double.isNaN(curve.get(k).validLoss())) valid.add(new double[] {x[k], curve.get(k).validLoss()});
            }
            if (!valid.isEmpty() && Double.isNaN(firstEval)) firstEval = valid.get(0)[0];
            Color col = colors[i % colors.length];
            double[] vx = valid.stream().mapToDouble(v -> v[0]).toArray(), vy = valid.stream().mapToDouble(v -> v[1]).toArray();
            // The tiered run lies exactly on the flat one: rings over its dots keep both visible.
            LossPlot.Style style = i == 2 ? LossPlot.Style.RINGS : LossPlot.Style.DOTS;
            plot.add(new LossPlot.Series(e.getKey() + ", held-out", col, vx, vy, style));
            if (i < 2) plot.add(new LossPlot.Series(e.getKey() + ", train (25-step mean)", col, x, LossPlot.smooth(train, 25), LossPlot.Style.DASHED));
            i++;
        }
        if (!Double.isNaN(firstEval)) plot.from(firstEval);
        plot.write(out.resolve("model-curves.png"), 1000, 620);
    }

    private void printTable(Map<String, TrainSession.Result> results, TrainSession.Prepared p, TrainSession.Request r) {
        TrainSession.Result baseline = results.values().iterator().next();
        System.out.println();
        System.out.printf(Locale.ROOT, "held-out: %,d tokens (every %d-th document of %s, %s), loss over %d windows of the context length; "
                        + "%d steps of %d x %d tokens; model %s%n",
                p.data().validTokens(), r.validEvery(), p.data().corpusName(), r.language(),
                Math.min(r.settings().evalWindows(), p.data().validWindows(r.settings().context())), steps,
                r.settings().batch(), r.settings().context(), baseline.config());
        System.out.println("| run | held-out loss | held-out perplexity | vs baseline | s/step | table rows updated |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (var e : results.entrySet()) {
            TrainSession.Result res = e.getValue();
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.1f | %+.4f (%.1f%% ppl) | %.3f | %,d |%n", e.getKey(), res.validLoss(), Math.exp(res.validLoss()),
                    res.validLoss() - baseline.validLoss(), 100 * (Math.exp(res.validLoss() - baseline.validLoss()) - 1), res.secondsPerStep(), res.rowsUpdated());
        }
        TrainSession.Result flat = results.get("Engram, flat table"), tiered = results.get("Engram, tiered store");
        if (flat != null) {
            headline.add(BenchmarkResult.vs("model", "held-out loss at step " + steps + ", Engram (flat table)", flat.validLoss(), "nats/token",
                    "same model without Engram", baseline.validLoss(), false).withGoal("below the baseline", flat.validLoss() < baseline.validLoss()));
        }
        if (flat != null && tiered != null) {
            double maxDiff = 0;
            int n = Math.min(flat.curve().size(), tiered.curve().size());
            for (int k = 0; k < n; k++) maxDiff = Math.max(maxDiff, Math.abs(flat.curve().get(k).trainLoss() - tiered.curve().get(k).trainLoss()));
            System.out.printf(Locale.ROOT, "tiered vs flat: largest |train loss difference| over %d steps = %.3g; held-out %.6f vs %.6f%n",
                    n, maxDiff, tiered.validLoss(), flat.validLoss());
            headline.add(BenchmarkResult.alone("model", "tiered-store curve vs flat-table curve, largest |loss difference|", maxDiff, "nats", false)
                    .withGoal("0 (same seeds)", maxDiff == 0 && n == steps));
            if (tiered.tiers() != null) System.out.println("tiered store: " + tiered.tiers().describe());
        }
        System.out.println("wrote " + out.resolve("model-curves.csv") + " and " + out.resolve("model-curves.png"));
    }
}
