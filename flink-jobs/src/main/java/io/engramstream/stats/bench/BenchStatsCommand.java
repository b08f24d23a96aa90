package io.engramstream.stats.bench;

import io.engramstream.canon.TokenizerAssets;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.EuroparlCorpus;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.TokenFiles;
import io.engramstream.stats.job.MemoryStatsJob;
import io.engramstream.stats.job.ProgressReporter;
import io.engramstream.stats.job.StatsSettings;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram bench stats}: end-to-end tokens/s per core of the statistics job with
 * checkpointing on, against the naive Flink job (one event per lookup, keyBy(row),
 * ValueState&lt;Long&gt; per row, same hashing) measured in the same run, on a Zipf stream and on
 * the Europarl corpus (pre-tokenized with the DeepSeek-V3 tokenizer; optionally from raw text).
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Benchmarks the statistics job against the naive Flink job (one event per lookup, keyBy(row), ValueState<Long>).",
                "End-to-end tokens/s per core on the in-process MiniCluster with checkpointing on; medians over --runs."})
public final class BenchStatsCommand implements Callable<Integer>, EngramCommand, io.engramstream.bench.HeadlineBenchmark {
    @Option(names = "--spec", defaultValue = "demo", description = "Spec (default: ${DEFAULT-VALUE}).")
    String specArg;
    @Option(names = "--zipf-tokens", defaultValue = "60000000", description = "Tokens per optimized Zipf run (default: ${DEFAULT-VALUE}).")
    long zipfTokens;
    @Option(names = "--zipf-s", defaultValue = "1.1", description = "Zipf exponent (default: ${DEFAULT-VALUE}).")
    double zipfS;
    @Option(names = "--europarl-repeat", defaultValue = "8", description = "Passes over the Europarl tokens per optimized run (default: ${DEFAULT-VALUE}).")
    int europarlRepeat;
    @Option(names = "--naive-tokens", defaultValue = "1000000", description = "Tokens per naive run: long enough for checkpoints at the default interval (default: ${DEFAULT-VALUE}).")
    long naiveTokens;
    @Option(names = "--runs", defaultValue = "3", description = "Runs per measurement; the table shows medians (default: ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--parallelism", defaultValue = "0", description = "Subtasks per operator; 0 = cores (default: ${DEFAULT-VALUE}).")
    int parallelism;
    @Option(names = "--checkpoint-interval", defaultValue = "10s", description = "Checkpoint interval for both jobs (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;
    @Option(names = "--state-backend", defaultValue = "hashmap", description = "hashmap or rocksdb, for both jobs (default: ${DEFAULT-VALUE}).")
    String backend;
    @Option(names = "--state-layout", defaultValue = "shard-table", description = "shard-table or row-map (default: ${DEFAULT-VALUE}).")
    String layout;
    @Option(names = "--workloads", defaultValue = "zipf,europarl", description = "Any of zipf, europarl, europarl-text (default: ${DEFAULT-VALUE}).")
    String workloads;
    @Option(names = "--skip-naive", description = "Only the optimized job.")
    boolean skipNaive;
    @Option(names = "--work", defaultValue = "", description = "Scratch directory (default: a temporary one).")
    String work;

    @Override public String group() { return "bench"; }

    private final List<io.engramstream.bench.BenchmarkResult> headline = new ArrayList<>();

    @Override public List<String> quickArgs() {
        return List.of("--workloads", "zipf", "--zipf-tokens", "4000000", "--naive-tokens", "100000", "--runs", "1",
                "--checkpoint-interval", "2s");
    }

    @Override public List<io.engramstream.bench.BenchmarkResult> headline() { return List.copyOf(headline); }

    /** One measured run. */
    record Result(long tokens, double seconds, double cpuSeconds, long checkpoints, long lastCheckpointBytes, long lastCheckpointMillis, long rows) {
        double tokensPerSecond() { return tokens / seconds; }
        double tokensPerCpuSecond() { return tokens / cpuSeconds; }
    }

    /** CPU time of this whole JVM (every thread: tasks, network, checkpoints, GC, JIT). */
    static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    @Override public Integer call() throws Exception {
        headline.clear();
        EngramSpec spec = EngramSpec.resolve(specArg);
        int cores = java.lang.Runtime.getRuntime().availableProcessors();
        int p = parallelism > 0 ? parallelism : cores;
        Duration interval = io.engramstream.config.EngramOption.duration("checkpoint-interval", null, "").parse(checkpointInterval);
        Path scratch = work.isBlank() ? Files.createTempDirectory("engram-bench-stats") : Files.createDirectories(Path.of(work));
        PrintStream o = System.out;
        o.printf("engram bench stats: %d cores, %s %s, max heap %d MB, parallelism %d, checkpoints every %s, state %s/%s%n",
                cores, System.getProperty("java.vm.name"), System.getProperty("java.version"),
                java.lang.Runtime.getRuntime().maxMemory() >> 20, p, interval, backend, layout);
        o.printf("spec %s (%s), %d lookups/token; medians of %d runs; tokens/s = tokens / job runtime (incl. deployment)%n",
                spec.fingerprint(), spec.describe(), spec.lookupsPerToken(), runs);
        StatsSettings.Builder sb = StatsSettings.builder(spec).layout(layout);
        List<String> rows = new ArrayList<>();
        List<String> wanted = Arrays.stream(workloads.split(",")).map(String::trim).toList();
        for (String w : wanted) {
            JobInput opt, naive;
            switch (w) {
                case "zipf" -> {
                    opt = JobInput.zipf(zipfTokens, zipfS, 42, 4096, 0);
                    naive = JobInput.zipf(naiveTokens, zipfS, 42, 4096, 0);
                }
                case "europarl" -> {
                    Path tok = europarlTokens(o);
                    opt = JobInput.files(List.of(tok.toString()), "tokens", europarlRepeat);
                    naive = JobInput.files(List.of(prefix(tok, naiveTokens, scratch).toString()), "tokens", 1);
                }
                case "europarl-text" -> {
                    opt = JobInput.files(List.of(EuroparlCorpus.file().toString()), "europarl", 1);
                    naive = null;
                }
                default -> throw new UserError("unknown workload '" + w + "' (zipf, europarl, europarl-text)");
            }
            Result best = measure(o, w, "optimized", opt, sb, p, interval, scratch, false);
            double opt1 = best.tokensPerSecond() / cores;
            rows.add(String.format(Locale.ROOT, "| %s | MemoryStatsJob | %,d | %.1f | %,.0f | %,.0f | %,.0f | %s | %s |", w, best.tokens(), best.seconds(),
                    opt1, opt1 * spec.lookupsPerToken(), best.tokensPerCpuSecond(), "", "" ));
            if (naive != null && !skipNaive) {
                Result base = measure(o, w, "naive", naive, sb, p, interval, scratch, true);
                double n1 = base.tokensPerSecond() / cores;
                rows.add(String.format(Locale.ROOT, "| %s | naive (keyBy row, ValueState<Long>) | %,d | %.1f | %,.0f | %,.0f | %,.0f | %.0fx | %.0fx |", w,
                        base.tokens(), base.seconds(), n1, n1 * spec.lookupsPerToken(), base.tokensPerCpuSecond(), opt1 / n1,
                        best.tokensPerCpuSecond() / base.tokensPerCpuSecond()));
                headline.add(io.engramstream.bench.BenchmarkResult.vs("stats", "MemoryStatsJob end to end, " + w + ", checkpoints on",
                        opt1 / 1e3, "k tokens/s/core", "naive Flink job (keyBy row, ValueState<Long>)", n1 / 1e3, true));
            } else {
                headline.add(io.engramstream.bench.BenchmarkResult.alone("stats", "MemoryStatsJob end to end, " + w + ", checkpoints on",
                        opt1 / 1e3, "k tokens/s/core", true));
            }
        }
        o.println();
        o.println("| workload | job | tokens | seconds | tokens/s per core | lookups/s per core | tokens per CPU-second | speed-up (wall) | speed-up (CPU) |");
        o.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(o::println);
        return 0;
    }

    private Result measure(PrintStream o, String workload, String job, JobInput input, StatsSettings.Builder sb, int p,
                           Duration interval, Path scratch, boolean naive) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            Path out = scratch.resolve(workload + "-" + job + "-" + r);
            StatsSettings settings = sb.outDir(out.toString()).build();
            MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(p, interval, backend, scratch.resolve("cp").toString(), 0, null);
            Configuration conf = MemoryStatsJob.configuration(rt, settings);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(p, conf);
            if (naive) NaiveStatsJob.build(env, input, settings, null);
            else MemoryStatsJob.build(env, input, settings, out.toString(), "engram.deadletters");
            CheckpointWatcher watch = new CheckpointWatcher();
            watch.start();
            JobExecutionResult res;
            double cpu0 = processCpuSeconds();
            try {
                res = env.execute("bench " + workload + " " + job);
            } finally {
                watch.interrupt();
                watch.join();
            }
            double secs = res.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
            double cpu = processCpuSeconds() - cpu0;
            long tokens, rows = 0;
            if (naive) {
                tokens = inputTokens(input);
            } else {
                StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
                tokens = s.tokens();
                rows = s.distinctRows();
            }
            Result result = new Result(tokens, secs, cpu, watch.checkpoints, watch.cpBytes, watch.cpMillis, rows);
            results.add(result);
            o.printf(Locale.ROOT, "  %-14s %-9s run %d: %,d tokens in %.1f s = %,.0f tokens/s (%,.0f per core); %.1f CPU s = %,.0f tokens per CPU s; "
                            + "%d checkpoints (last %s, %d ms)%s; load avg %.1f%n",
                    workload, job, r + 1, tokens, secs, result.tokensPerSecond(), result.tokensPerSecond() / java.lang.Runtime.getRuntime().availableProcessors(),
                    cpu, result.tokensPerCpuSecond(), watch.checkpoints, bytes(watch.cpBytes), watch.cpMillis,
                    rows > 0 ? String.format(", %,d rows", rows) : "", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (!naive) deleteTree(out);
        }
        results.sort((a, b) -> Double.compare(a.tokensPerSecond(), b.tokensPerSecond()));
        return results.get(results.size() / 2);
    }

    /** Samples the job's checkpoint metrics while it runs (they vanish when it ends). */
    static final class CheckpointWatcher extends Thread {
        volatile long checkpoints, cpBytes, cpMillis, tokens;

        CheckpointWatcher() { setDaemon(true); }

        @Override public void run() {
            try {
                while (!isInterrupted()) {
                    sample();
                    Thread.sleep(200);
                }
            } catch (InterruptedException done) {
                sample();
            }
        }

        private void sample() {
            ProgressReporter.Snapshot s = ProgressReporter.snapshot();
            if (s.checkpoints() > checkpoints) checkpoints = s.checkpoints();
            if (s.lastCheckpointBytes() > 0) cpBytes = s.lastCheckpointBytes();
            if (s.lastCheckpointMillis() > 0) cpMillis = s.lastCheckpointMillis();
            if (s.tokens() > tokens) tokens = s.tokens();
        }
    }

    /** The Europarl sample tokenized with DeepSeek-V3 (raw ids, one document per line), cached. */
    static Path europarlTokens(PrintStream o) throws Exception {
        Path file = TokenizerAssets.cacheRoot().resolve("bench").resolve("europarl-deepseek-v3" + TokenFiles.EXTENSION);
        if (Files.isRegularFile(file)) return file;
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".europarl", ".tmp");
        long t0 = System.nanoTime();
        try (TextTokenizer tok = TextTokenizers.forId("deepseek-v3");
             BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(EuroparlCorpus.file())), StandardCharsets.UTF_8));
             TokenFiles.Writer w = TokenFiles.writer(tmp)) {
            String line;
            while ((line = in.readLine()) != null) {
                int b = line.indexOf('\t', line.indexOf('\t') + 1);
                String body = b < 0 ? line : line.substring(b + 1);
                if (body.isBlank()) continue;
                int[] ids = tok.encode(body);
                w.write(ids, 0, ids.length);
            }
            o.printf("  tokenized Europarl with DeepSeek-V3 once: %,d documents, %,d tokens in %.1f s -> %s%n",
                    w.documents(), w.tokens(), (System.nanoTime() - t0) / 1e9, file);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** The first documents of a token file up to {@code tokens} tokens (the naive job's slice of the same corpus). */
    static Path prefix(Path tokFile, long tokens, Path scratch) throws Exception {
        Path out = scratch.resolve("europarl-prefix-" + tokens + TokenFiles.EXTENSION);
        if (Files.exists(out)) return out;
        try (TokenFiles.Reader r = new TokenFiles.Reader(Files.newInputStream(tokFile)); TokenFiles.Writer w = TokenFiles.writer(out)) {
            int[] doc;
            while (w.tokens() < tokens && (doc = r.next()) != null) w.write(doc, 0, doc.length);
        }
        return out;
    }

    /** Tokens an input holds (the naive job has no token counter of its own). */
    static long inputTokens(JobInput in) throws Exception {
        if (in.kind() == JobInput.Kind.ZIPF) return (in.zipfTokens() + in.zipfChunk() - 1) / in.zipfChunk() * in.zipfChunk();
        long n = 0;
        for (String f : in.paths()) {
            try (TokenFiles.Reader r = new TokenFiles.Reader(Files.newInputStream(Path.of(f)))) {
                int[] doc;
                while ((doc = r.next()) != null) n += doc.length;
            }
        }
        return n * in.repeat();
    }

    static String bytes(long b) {
        if (b >= 1 << 30) return String.format("%.2f GB", b / (double) (1 << 30));
        if (b >= 1 << 20) return String.format("%.1f MB", b / (double) (1 << 20));
        if (b >= 1 << 10) return String.format("%.1f KB", b / 1024.0);
        return b + " B";
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
