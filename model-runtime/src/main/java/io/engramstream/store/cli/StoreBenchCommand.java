package io.engramstream.store.cli;

import io.engramstream.cli.EngramCommand;
import io.engramstream.store.bench.StoreBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engram bench store}. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = {"Lookup throughput of the tiered embedding store on a Zipf token stream, hot and warm sets from a snapshot",
                "of a warm-up stream, against the whole table in engine memory (flat) and the cold mmap table alone,",
                "with and without prefetch, in one run. Creates the table in the temp directory (deleted afterwards).",
                "Then steps/s with a fixed model compute on each lookup, which prefetch of the next batch overlaps."})
public final class StoreBenchCommand implements EngramCommand, Callable<Integer>, io.engramstream.bench.HeadlineBenchmark {
    @Override public String group() { return "bench"; }

    private final java.util.List<io.engramstream.bench.BenchmarkResult> headline = new java.util.ArrayList<>();

    @Override public List<String> quickArgs() {
        return List.of("--dim", "8", "--batches", "8", "--rounds", "3", "--warmup-tokens", "200000", "--hot-rows", "200000",
                "--warm-rows", "800000", "--device", "cpu",
                "--step-compute-hidden", "64");
    }

    @Override public List<io.engramstream.bench.BenchmarkResult> headline() { return List.copyOf(headline); }

    @Option(names = "--spec", defaultValue = "demo", description = "Spec preset or file (default: ${DEFAULT-VALUE}).") String spec;
    @Option(names = "--dtype", defaultValue = "fp16", description = "Row format fp32|bf16|fp16 (default: ${DEFAULT-VALUE}; the demo in fp32 is 5.3 GB).") String dtype;
    @Option(names = "--dim", defaultValue = "0", description = "Dims per head (default: the spec's).") int dim;
    @Option(names = "--table", description = "Table file to use or create (default: in the temp directory).") Path table;
    @Option(names = "--keep-table", description = "Keep a table this run created.") boolean keep;
    @Option(names = "--batch", defaultValue = "4", description = "Sequences per batch (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--seq", defaultValue = "512", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).") int seq;
    @Option(names = "--batches", defaultValue = "16", description = "Batches per round and variant (default: ${DEFAULT-VALUE}).") int batches;
    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds (default: ${DEFAULT-VALUE}).") int rounds;
    @Option(names = "--zipf", defaultValue = "1.2", description = "Zipf exponent of the token stream (default: ${DEFAULT-VALUE}).") double zipf;
    @Option(names = "--warmup-tokens", defaultValue = "1000000", description = "Tokens counted to choose the snapshot's hot and warm rows (default: ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--hot-rows", defaultValue = "1000000", description = "Hot rows in the snapshot (default: ${DEFAULT-VALUE}).") long hot;
    @Option(names = "--warm-rows", defaultValue = "4000000", description = "Warm rows in the snapshot (default: ${DEFAULT-VALUE}).") long warm;
    @Option(names = "--device", defaultValue = "auto", description = "auto|cpu|gpu|gpu:N (default: ${DEFAULT-VALUE}).") String device;
    @Option(names = "--variants", defaultValue = "flat,cold,tiered", split = ",", description = "Which to run: flat, cold, tiered, tiered-device (the tiered store on its device-gather path, as with a GPU hot tier) (default: ${DEFAULT-VALUE}).") List<String> variants;

    @Option(names = "--huge-pages", defaultValue = "true", arity = "1", description = "2 MiB pages (where the kernel grants them) for the flat table and for the store's "
            + "tiers, row index and staging alike; false: 4 KiB pages for both (default: ${DEFAULT-VALUE}).") boolean hugePages;
    @Option(names = "--step-compute-hidden", defaultValue = "128", description = "Step throughput with model compute: hidden size of the fixed engine compute run on each lookup "
            + "(per layer a projection to this size plus dense matmuls), standing in for the rest of a model step; 0 skips the step measurement (default: ${DEFAULT-VALUE}).") int stepHidden;
    @Option(names = "--step-compute-dense", defaultValue = "2", description = "Dense [hidden x hidden] matmuls per Engram layer in that compute (default: ${DEFAULT-VALUE}).") int stepDense;

    @Override public Integer call() throws Exception {
        StoreBenchmark.Params p = new StoreBenchmark.Params();
        p.spec = spec; p.dtype = dtype; p.dim = dim; p.table = table; p.keepTable = keep; p.batch = batch; p.seq = seq;
        p.batches = batches; p.rounds = rounds; p.zipf = zipf; p.warmupTokens = warmup; p.hotRows = hot; p.warmRows = warm;
        p.device = device; p.variants = variants; p.stepHidden = stepHidden; p.stepDense = stepDense;
        p.hugePages = hugePages;
        if (stepHidden < 0 || stepDense < 0) throw new io.engramstream.cli.UserError("--step-compute-hidden and --step-compute-dense must not be negative");
        if (batch <= 0 || seq <= 0 || batches <= 0 || rounds <= 0) throw new io.engramstream.cli.UserError("batch, seq, batches and rounds must be positive");
        StoreBenchmark b = new StoreBenchmark(p, System.out);
        b.run();
        headline.clear();
        StoreBenchmark.Measured flat = b.measured().stream().filter(m -> m.variant().startsWith("flat") && !m.prefetch()).findFirst().orElse(null);
        for (StoreBenchmark.Measured m : b.measured()) {
            if (m.variant().startsWith("flat")) continue;
            String metric = "lookup, " + m.variant() + (m.prefetch() ? ", prefetch" : "");
            headline.add(flat == null
                    ? io.engramstream.bench.BenchmarkResult.alone("store", metric, m.rowsPerSecond() / 1e6, "M rows/s", true)
                    : io.engramstream.bench.BenchmarkResult.vs("store", metric, m.rowsPerSecond() / 1e6, "M rows/s",
                            "flat table in engine memory", flat.rowsPerSecond() / 1e6, true));
        }
        StoreBenchmark.StepMeasured flatStep = b.stepMeasured().stream().filter(m -> m.variant().startsWith("flat"))
                .max(java.util.Comparator.comparingDouble(StoreBenchmark.StepMeasured::stepsPerSecond)).orElse(null);
        for (StoreBenchmark.StepMeasured m : b.stepMeasured()) {
            if (m.variant().startsWith("flat") || m.variant().equals("compute only") || flatStep == null) continue;
            headline.add(io.engramstream.bench.BenchmarkResult.vs("store", "step with model compute, " + m.variant() + (m.prefetch() ? ", prefetch" : ""),
                    m.stepsPerSecond(), "steps/s", "flat table in memory (better prefetch mode)", flatStep.stepsPerSecond(), true));
        }
        return 0;
    }
}
