package io.engramstream.hash;

import io.engramstream.workload.ZipfTokens;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EngramSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram bench hash}: bucket ids per second on one core for a spec on a Zipf token
 * stream, against the numpy reference anchor and a straightforward {@link Math#floorMod} port
 * measured in the same run. Variants run interleaved (one run of each per round) so machine
 * noise hits them alike; the table reports medians.
 */
@Command(name = "hash", mixinStandardHelpOptions = true,
        description = {"Benchmarks N-gram hashing on one thread (= per core): bucket ids/s for a spec on a Zipf token",
                "stream, vs the numpy reference anchor and a Math.floorMod Java port measured in the same run."})
public final class HashBenchCommand implements Callable<Integer>, EngramCommand, io.engramstream.bench.HeadlineBenchmark {
    /** The reference's numpy hashing on this machine kind: 127 M ids/s (64 x 4096 tokens, demo spec, best of 5, numpy 1.24). */
    public static final double NUMPY_ANCHOR_IDS_PER_S = 127e6;

    @Option(names = "--spec", defaultValue = "demo", paramLabel = "FILE|PRESET", description = "Spec (default: ${DEFAULT-VALUE}).")
    String spec;
    @Option(names = "--docs", defaultValue = "64", description = "Documents per batch (default: ${DEFAULT-VALUE}).")
    int docs;
    @Option(names = "--doc-tokens", defaultValue = "4096", description = "Tokens per document (default: ${DEFAULT-VALUE}).")
    int docTokens;
    @Option(names = "--runs", defaultValue = "15", description = "Timed runs per variant; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--min-run-ms", defaultValue = "250", description = "Each run repeats the batch until it lasts this long (default: ${DEFAULT-VALUE}).")
    int minRunMs;
    @Option(names = "--warmup-ms", defaultValue = "3000", description = "Warm-up per variant before timing (default: ${DEFAULT-VALUE}).")
    int warmupMs;
    @Option(names = "--zipf", defaultValue = "1.05", description = "Zipf exponent of the token stream (default: ${DEFAULT-VALUE}).")
    double zipf;
    @Option(names = "--seed", defaultValue = "42", description = "Token stream seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the command and table as Markdown to FILE.")
    Path markdown;

    @Override public String group() { return "bench"; }

    private final List<io.engramstream.bench.BenchmarkResult> headline = new ArrayList<>();

    @Override public List<String> quickArgs() {
        return List.of("--docs", "16", "--runs", "5", "--min-run-ms", "150", "--warmup-ms", "1000");
    }

    @Override public List<io.engramstream.bench.BenchmarkResult> headline() { return List.copyOf(headline); }

    private interface Variant { void runBatch(); }

    private record Named(String name, Variant v) {}

    @Override public Integer call() throws IOException {
        if (docs < 1 || docTokens < 1 || runs < 1) throw new UserError("--docs, --doc-tokens and --runs must be >= 1");
        EngramSpec s = EngramSpec.resolve(spec);
        double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long vocab = s.compressedVocabSize();
        if (vocab > 50_000_000) throw new UserError("spec vocabulary too large for the Zipf table: " + vocab);
        System.err.printf("bench hash: generating %d x %d Zipf(%.2f) tokens over V=%d (seed %d)...%n", docs, docTokens, zipf, vocab, seed);
        ZipfTokens z = new ZipfTokens((int) vocab, zipf, seed);
        int[][] batch = new int[docs][];
        for (int d = 0; d < docs; d++) batch[d] = z.next(docTokens);

        NgramHasher hasher = new NgramHasher(s);
        FloorModBaselineHasher baseline = new FloorModBaselineHasher(s);
        int outLen = Math.toIntExact(hasher.outputLength(docTokens));
        int[] outA = new int[outLen];
        int[] outB = new int[outLen];
        long[] outKeys = new long[outLen];
        // Correctness first: the fast path and the baseline must agree on the whole batch.
        for (int[] doc : batch) {
            hasher.hash(doc, 0, docTokens, outA);
            baseline.hash(doc, 0, docTokens, outB);
            if (!Arrays.equals(outA, outB)) throw new IllegalStateException("fast path and floorMod baseline disagree");
        }
        List<Named> variants = List.of(
                new Named("NgramHasher.hash (FastMod, blocked)", () -> { for (int[] d : batch) hasher.hash(d, 0, docTokens, outA); }),
                new Named("NgramHasher.hashRowKeys (long RowKeys)", () -> { for (int[] d : batch) hasher.hashRowKeys(d, 0, docTokens, outKeys); }),
                new Named("baseline: Java port, Math.floorMod", () -> { for (int[] d : batch) baseline.hash(d, 0, docTokens, outB); }));

        int[] reps = new int[variants.size()];
        for (int v = 0; v < variants.size(); v++) {
            System.err.printf("bench hash: warming up %s (%d ms)...%n", variants.get(v).name(), warmupMs);
            long start = System.nanoTime();
            int n = 0;
            while (System.nanoTime() - start < warmupMs * 1_000_000L || n < 3) { variants.get(v).v().runBatch(); n++; }
            double perBatch = (System.nanoTime() - start) / 1e6 / n;
            reps[v] = Math.max(1, (int) Math.ceil(minRunMs / perBatch));
        }
        // Thread CPU time is the per-core measure: on a shared machine wall time also counts the
        // time this thread waited for a core. Wall time is reported alongside.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuTime = threads.isCurrentThreadCpuTimeSupported();
        if (cpuTime && !threads.isThreadCpuTimeEnabled()) threads.setThreadCpuTimeEnabled(true);
        double[][] seconds = new double[variants.size()][runs];
        double[][] wall = new double[variants.size()][runs];
        for (int r = 0; r < runs; r++) {
            for (int v = 0; v < variants.size(); v++) {
                long c0 = cpuTime ? threads.getCurrentThreadCpuTime() : 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps[v]; i++) variants.get(v).v().runBatch();
                long t1 = System.nanoTime();
                long c1 = cpuTime ? threads.getCurrentThreadCpuTime() : 0;
                wall[v][r] = (t1 - t0) / 1e9 / reps[v];
                seconds[v][r] = cpuTime ? (c1 - c0) / 1e9 / reps[v] : wall[v][r];
            }
            System.err.printf("bench hash: round %d/%d%n", r + 1, runs);
        }
        long sink = outA[outLen - 1] + outB[outLen - 1] + outKeys[outLen - 1];

        long tokensPerBatch = (long) docs * docTokens;
        long idsPerBatch = tokensPerBatch * s.lookupsPerToken();
        double[] medians = new double[variants.size()];
        double[] wallMedians = new double[variants.size()];
        for (int v = 0; v < variants.size(); v++) {
            medians[v] = median(seconds[v]);
            wallMedians[v] = median(wall[v]);
        }
        double baselineRate = idsPerBatch / medians[variants.size() - 1];

        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "machine: %s, %d cores visible, %s %s (%s), single thread",
                cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.arch")));
        lines.add(String.format(Locale.ROOT, "spec %s (fingerprint %s): %d ids per token; batch %d x %d Zipf(%.2f) tokens = %,d ids",
                s.describe(), s.fingerprint(), s.lookupsPerToken(), docs, docTokens, zipf, idsPerBatch));
        lines.add(String.format(Locale.ROOT, "median of %d runs per variant (each run >= %d ms, variants interleaved), timed by %s; load average at start %.2f",
                runs, minRunMs, cpuTime ? "thread CPU time (wall-clock median in the last column)" : "wall clock", loadAverage));
        lines.add("");
        lines.add("| variant | median ms / batch | M ids/s | M tokens/s | vs numpy anchor (127 M ids/s) | vs floorMod baseline | wall ms / batch |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|");
        for (int v = 0; v < variants.size(); v++) {
            double rate = idsPerBatch / medians[v];
            lines.add(String.format(Locale.ROOT, "| %s | %.2f | %.0f | %.2f | %.2fx | %.2fx | %.2f |", variants.get(v).name(), medians[v] * 1e3,
                    rate / 1e6, tokensPerBatch / medians[v] / 1e6, rate / NUMPY_ANCHOR_IDS_PER_S, rate / baselineRate, wallMedians[v] * 1e3));
        }
        lines.add(String.format(Locale.ROOT, "| numpy reference anchor (engram_demo_v1.py, numpy 1.24, best of 5) | %.2f | 127 | 3.96 | 1.00x | %.2fx | |",
                idsPerBatch / NUMPY_ANCHOR_IDS_PER_S * 1e3, NUMPY_ANCHOR_IDS_PER_S / baselineRate));
        double fastRate = idsPerBatch / medians[0];
        lines.add("");
        lines.add(String.format(Locale.ROOT, "goal >= 4x numpy per core (508 M ids/s): %s (%.0f M ids/s)%s",
                fastRate >= 4 * NUMPY_ANCHOR_IDS_PER_S ? "met" : "NOT met", fastRate / 1e6, sink == 42 ? " " : ""));
        lines.forEach(System.out::println);
        headline.clear();
        headline.add(io.engramstream.bench.BenchmarkResult.vs("hash", "NgramHasher.hash, " + s.name() + " spec, one core", fastRate / 1e6, "M ids/s",
                "numpy reference (fixed anchor, this machine kind)", NUMPY_ANCHOR_IDS_PER_S / 1e6, true)
                .withGoal(">= 4x numpy", fastRate >= 4 * NUMPY_ANCHOR_IDS_PER_S));
        headline.add(io.engramstream.bench.BenchmarkResult.vs("hash", "NgramHasher.hash, " + s.name() + " spec, one core", fastRate / 1e6, "M ids/s",
                variants.get(variants.size() - 1).name(), baselineRate / 1e6, true));
        if (markdown != null) {
            String md = "```\n./engram bench hash --spec " + spec + " --docs " + docs + " --doc-tokens " + docTokens + " --runs " + runs
                    + " --min-run-ms " + minRunMs + " --warmup-ms " + warmupMs + " --zipf " + zipf + " --seed " + seed + "\n```\n\n"
                    + String.join("\n", lines) + "\n";
            Files.writeString(markdown, md);
        }
        return 0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
