package io.engramstream.stats.bench;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.job.MemoryStatsJob;
import io.engramstream.stats.job.ProgressReporter;
import io.engramstream.stats.job.StatsSettings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram bench soak --minutes N}: finds the statistics job's maximum sustainable rate on
 * this machine (an unthrottled calibration run), then offers a fixed share of it for N minutes
 * with checkpointing on, sampling every few seconds: tokens offered vs counted (the lag), heap
 * after the last GC, state size and checkpoint times. Passes when the lag does not grow and
 * memory stays bounded over the second half of the run; prints the figures either way.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Holds the statistics job at a share of its maximum sustainable rate for N minutes (checkpoints on) and",
                "prints lag, heap, state size and checkpoint times over time; exit 1 when the lag grows or memory does not stay bounded."})
public final class SoakCommand implements Callable<Integer>, EngramCommand {
    @Option(names = "--minutes", defaultValue = "10", description = "Length of the soak (default: ${DEFAULT-VALUE}).")
    double minutes;
    @Option(names = "--spec", defaultValue = "demo", description = "Spec (default: ${DEFAULT-VALUE}).")
    String specArg;
    @Option(names = "--calibrate-seconds", defaultValue = "30", description = "Unthrottled run that measures the maximum rate (default: ${DEFAULT-VALUE}).")
    int calibrateSeconds;
    @Option(names = "--utilization", defaultValue = "0.8", description = "Share of the measured maximum to offer (default: ${DEFAULT-VALUE}).")
    double utilization;
    @Option(names = "--rate", defaultValue = "0", description = "Tokens/s to offer instead of calibrating (default: calibrate).")
    double fixedRate;
    @Option(names = "--sample-seconds", defaultValue = "5", description = "Sampling interval (default: ${DEFAULT-VALUE}).")
    int sampleSeconds;
    @Option(names = "--parallelism", defaultValue = "0", description = "Subtasks per operator; 0 = cores (default: ${DEFAULT-VALUE}).")
    int parallelism;
    @Option(names = "--chunk", defaultValue = "4096", description = "Tokens per generated record (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Override public String group() { return "bench"; }

    /** One sample: seconds since the start of the soak, tokens offered so far, counted, heap after GC, state bytes. */
    record Sample(double seconds, long offered, long counted, long heapBytes, long stateBytes, long checkpoints, long checkpointMillis) {
        long lag() { return Math.max(0, offered - counted); }
    }

    @Override public Integer call() throws Exception {
        if (minutes <= 0 || sampleSeconds < 1 || chunk < 1 || utilization <= 0 || utilization > 1) {
            throw new UserError("--minutes, --sample-seconds, --chunk must be positive and --utilization in (0, 1]");
        }
        EngramSpec spec = EngramSpec.resolve(specArg);
        int cores = Runtime.getRuntime().availableProcessors();
        int p = parallelism > 0 ? parallelism : cores;
        PrintStream o = System.out;
        Path work = Files.createTempDirectory("engram-soak");
        try {
            o.printf(Locale.ROOT, "engram bench soak: %d cores, %s %s, max heap %d MB, parallelism %d, spec %s (%d lookups/token)%n",
                    cores, System.getProperty("java.vm.name"), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                    p, spec.fingerprint(), spec.lookupsPerToken());
            double maxRate = fixedRate;
            if (maxRate <= 0) {
                System.err.printf("soak: calibrating the maximum rate for %d s...%n", calibrateSeconds);
                List<Sample> cal = run(spec, p, 0, calibrateSeconds, work.resolve("calibrate"), false);
                Sample first = cal.get(Math.min(1, cal.size() - 1)), last = cal.get(cal.size() - 1);
                maxRate = (last.counted() - first.counted()) / Math.max(1e-9, last.seconds() - first.seconds());
                o.printf(Locale.ROOT, "maximum sustainable rate (unthrottled, after start-up): %,.0f tokens/s (%,.0f per core)%n", maxRate, maxRate / cores);
                if (maxRate <= 0) throw new IllegalStateException("the calibration run counted no tokens");
            }
            double rate = fixedRate > 0 ? fixedRate : utilization * maxRate;
            o.printf(Locale.ROOT, "soak: offering %,.0f tokens/s (%.0f%% of the maximum) for %.1f minutes, sampling every %d s%n",
                    rate, fixedRate > 0 ? 100 : utilization * 100, minutes, sampleSeconds);
            List<Sample> s = run(spec, p, rate, (int) Math.ceil(minutes * 60), work.resolve("soak"), true);

            o.println();
            o.println("| t (s) | offered | counted | lag (tokens) | lag (s) | heap after GC (MB) | state (MB) | checkpoints | last checkpoint (ms) |");
            o.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Sample x : s) {
                o.printf(Locale.ROOT, "| %.0f | %,d | %,d | %,d | %.1f | %.0f | %.1f | %d | %d |%n", x.seconds(), x.offered(), x.counted(), x.lag(),
                        x.lag() / rate, x.heapBytes() / 1e6, x.stateBytes() / 1e6, x.checkpoints(), x.checkpointMillis());
            }
            return verdict(o, s, rate) ? 0 : 1;
        } finally {
            BenchStatsCommand.deleteTree(work);
        }
    }

    /** Lag must not grow and heap must not trend up over the second half (start-up and state growth settle in the first). */
    static boolean verdict(PrintStream o, List<Sample> s, double rate) {
        List<Sample> half = s.subList(s.size() / 2, s.size());
        if (half.size() < 2) {
            o.println("too few samples for a verdict (run longer)");
            return false;
        }
        double lagSlope = slope(half, Sample::lag);              // tokens of lag gained per second
        double heapSlope = slope(half, Sample::heapBytes);       // bytes per second
        long heapMax = half.stream().mapToLong(Sample::heapBytes).max().orElse(0);
        long firstHalfMax = s.subList(0, s.size() / 2).stream().mapToLong(Sample::heapBytes).max().orElse(heapMax);
        boolean lagOk = lagSlope <= 0.02 * rate || half.get(half.size() - 1).lag() <= 2 * rate;   // < 2% of the rate, or under 2 s behind
        boolean memOk = heapMax <= Math.max(1.25 * firstHalfMax, firstHalfMax + (64L << 20));
        Sample last = s.get(s.size() - 1);
        o.printf(Locale.ROOT, "%nsecond half: lag %+,.0f tokens/s (%s), heap after GC %+.2f MB/min, max %.0f MB vs %.0f MB in the first half (%s)%n",
                lagSlope, lagOk ? "not growing" : "GROWING", heapSlope * 60 / 1e6, heapMax / 1e6, firstHalfMax / 1e6, memOk ? "bounded" : "NOT bounded");
        o.printf(Locale.ROOT, "counted %,d tokens in %.0f s = %,.0f tokens/s sustained (offered %,.0f/s); verdict: %s%n", last.counted(),
                last.seconds(), last.counted() / Math.max(1e-9, last.seconds()), rate, lagOk && memOk ? "PASS" : "FAIL");
        return lagOk && memOk;
    }

    private static double slope(List<Sample> s, java.util.function.ToLongFunction<Sample> y) {
        double n = s.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Sample x : s) {
            double t = x.seconds(), v = y.applyAsLong(x);
            sx += t; sy += v; sxx += t * t; sxy += t * v;
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    /** Runs the job on a Zipf stream (offered at {@code rate} tokens/s, or unthrottled at 0) for {@code seconds}, sampling. */
    private List<Sample> run(EngramSpec spec, int p, double rate, int seconds, Path out, boolean progress) throws Exception {
        long tokens = rate > 0 ? (long) Math.ceil(rate * (seconds + 60)) : Long.MAX_VALUE / 4;   // never ends on its own
        JobInput input = JobInput.zipf(tokens, 1.1, 42, chunk, rate > 0 ? rate / chunk : 0);
        StatsSettings settings = StatsSettings.builder(spec).outDir(out.toString()).build();
        MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(p, Duration.ofSeconds(5), "hashmap", out.resolve("cp").toString(), 3, null);
        Configuration conf = MemoryStatsJob.configuration(rt, settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(p, conf);
        MemoryStatsJob.build(env, input, settings, out.toString(), "engram.deadletters");
        JobClient job = env.executeAsync("soak");
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        List<Sample> samples = new ArrayList<>();
        try {
            // The clock starts when the first tokens are counted (deployment excluded).
            long deadline0 = System.nanoTime() + 120_000_000_000L;
            while (ProgressReporter.snapshot().tokens() == 0 && System.nanoTime() < deadline0) Thread.sleep(50);
            long t0 = System.nanoTime(), counted0 = ProgressReporter.snapshot().tokens();
            long end = t0 + seconds * 1_000_000_000L;
            while (true) {
                long next = Math.min(end, System.nanoTime() + sampleSeconds * 1_000_000_000L);
                while (System.nanoTime() < next) Thread.sleep(Math.max(1, Math.min(200, (next - System.nanoTime()) / 1_000_000)));
                if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) throw new IllegalStateException("the job ended early");
                double secs = (System.nanoTime() - t0) / 1e9;
                System.gc(); // heap after a collection: what is really held, not garbage waiting
                ProgressReporter.Snapshot x = ProgressReporter.snapshot();
                long offered = rate > 0 ? (long) (rate * secs) : x.tokens() - counted0;
                Sample sm = new Sample(secs, offered, x.tokens() - counted0, mem.getHeapMemoryUsage().getUsed(), x.stateBytes(),
                        x.checkpoints(), x.lastCheckpointMillis());
                samples.add(sm);
                if (progress) System.err.printf(Locale.ROOT, "soak: %4.0f s  counted %,d  lag %,d tokens  heap %.0f MB  state %.1f MB  checkpoints %d%n",
                        secs, sm.counted(), sm.lag(), sm.heapBytes() / 1e6, sm.stateBytes() / 1e6, sm.checkpoints());
                if (System.nanoTime() >= end) break;
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            try {
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException cancelled) {
                // expected
            }
        }
        return samples;
    }
}
