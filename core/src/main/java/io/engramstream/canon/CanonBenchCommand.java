package io.engramstream.canon;

import io.engramstream.cli.EngramCommand;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram bench canon}: how long building, saving and loading each canonical map takes, and
 * the per-token mapping cost of {@link CanonicalMap#mapInPlace} against a boxed
 * {@code HashMap<Integer,Integer>} lookup (the obvious way to hold an id map), both measured here.
 */
@Command(name = "canon", mixinStandardHelpOptions = true,
        description = "Benchmarks canonical-map build/load times and id mapping throughput against a HashMap baseline.")
public final class CanonBenchCommand implements EngramCommand, Callable<Integer>, io.engramstream.bench.HeadlineBenchmark {

    @Option(names = "--vocabularies", split = ",", paramLabel = "NAMES",
            description = "vocabularies to build (default: deepseek-v3,o200k_base,cl100k_base)")
    List<String> vocabularies = List.of(CanonicalMaps.DEEPSEEK_V3, "o200k_base", "cl100k_base");

    @Option(names = "--rounds", paramLabel = "<n>", description = "repetitions per measurement; medians are reported (default: 5)")
    int rounds = 5;

    @Option(names = "--ids", paramLabel = "<n>", description = "token ids per mapping round (default: 10000000)")
    int ids = 10_000_000;

    @Override public String group() { return "bench"; }

    private final java.util.List<io.engramstream.bench.BenchmarkResult> headline = new java.util.ArrayList<>();

    @Override public List<String> quickArgs() {
        return List.of("--vocabularies", "cl100k_base", "--rounds", "3", "--ids", "2000000");
    }

    @Override public List<io.engramstream.bench.BenchmarkResult> headline() { return List.copyOf(headline); }

    @Override public Integer call() throws Exception {
        headline.clear();
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, max heap %d MiB%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("medians of " + rounds + " rounds; build = decode + normalize + key every id; load = read + verify a saved map");
        System.out.printf(Locale.ROOT, "%-13s %9s %9s %8s %8s %8s %8s%n", "vocabulary", "old", "canonical", "reduct.", "read s", "build s", "load s");
        Path tmp = Files.createTempDirectory("engram-bench-canon");
        CanonicalMap forMapping = null;
        try {
            for (String v : vocabularies) {
                double[] read = new double[rounds];
                double[] build = new double[rounds];
                double[] load = new double[rounds];
                CanonicalMap map = null;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    Vocabulary vocab = CanonicalMaps.vocabulary(v, CanonicalMaps.defaultConvention(v));
                    long t1 = System.nanoTime();
                    map = CanonicalMapBuilder.build(vocab);
                    long t2 = System.nanoTime();
                    Path f = tmp.resolve("m" + r + ".cmap");
                    map.save(f);
                    long t3 = System.nanoTime();
                    CanonicalMap.load(f);
                    long t4 = System.nanoTime();
                    read[r] = (t1 - t0) / 1e9;
                    build[r] = (t2 - t1) / 1e9;
                    load[r] = (t4 - t3) / 1e9;
                }
                System.out.printf(Locale.ROOT, "%-13s %9d %9d %7.2f%% %8.3f %8.3f %8.3f%n", v, map.oldVocabSize(), map.canonicalVocabSize(),
                        100 * map.reduction(), median(read), median(build), median(load));
                if (headline.isEmpty()) {
                    headline.add(io.engramstream.bench.BenchmarkResult.vs("canon", "load a saved " + v + " map", median(load) * 1e3, "ms",
                            "build it from the vocabulary", median(build) * 1e3, false));
                }
                if (forMapping == null) forMapping = map;
            }
        } finally {
            try (var s = Files.list(tmp)) {
                s.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(tmp);
        }
        if (forMapping != null) mapping(forMapping);
        return 0;
    }

    private void mapping(CanonicalMap map) {
        SplittableRandom rnd = new SplittableRandom(42);
        int[] source = new int[ids];
        for (int i = 0; i < ids; i++) source[i] = rnd.nextInt(map.oldVocabSize());
        Map<Integer, Integer> baseline = new HashMap<>(map.oldVocabSize() * 2);
        for (int i = 0; i < map.oldVocabSize(); i++) baseline.put(i, map.map(i));
        int[] work = new int[ids];
        double[] ours = new double[rounds];
        double[] theirs = new double[rounds];
        long check = 0;
        for (int r = 0; r < rounds + 1; r++) {   // round 0 warms up both
            System.arraycopy(source, 0, work, 0, ids);
            long t0 = System.nanoTime();
            map.mapInPlace(work, 0, ids);
            long t1 = System.nanoTime();
            check += work[ids - 1];
            System.arraycopy(source, 0, work, 0, ids);
            long t2 = System.nanoTime();
            for (int i = 0; i < ids; i++) work[i] = baseline.get(work[i]);
            long t3 = System.nanoTime();
            check += work[ids - 1];
            if (r > 0) {
                ours[r - 1] = ids / ((t1 - t0) / 1e9);
                theirs[r - 1] = ids / ((t3 - t2) / 1e9);
            }
        }
        double o = median(ours);
        double b = median(theirs);
        headline.add(io.engramstream.bench.BenchmarkResult.vs("canon", "CanonicalMap.mapInPlace, one thread", o / 1e6, "M ids/s",
                "HashMap<Integer,Integer>.get", b / 1e6, true));
        System.out.printf(Locale.ROOT, "%nmapping %d random %s ids, one thread (checksum %d):%n", ids, map.vocabularyId(), check);
        System.out.printf(Locale.ROOT, "  %-44s %10.1f M ids/s%n", "CanonicalMap.mapInPlace (int[] read)", o / 1e6);
        System.out.printf(Locale.ROOT, "  %-44s %10.1f M ids/s%n", "baseline HashMap<Integer,Integer>.get", b / 1e6);
        System.out.printf(Locale.ROOT, "  ratio %.1fx (collectors: %s)%n", o / b,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName()).toList());
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
