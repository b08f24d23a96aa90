package io.engramstream.store.bench;

import io.engramstream.workload.ZipfSampler;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.engramstream.hash.NgramHasher;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.ColdTable;
import io.engramstream.store.FlatEmbeddingTable;
import io.engramstream.store.StoreLayout;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.store.TokenBatch;
import io.engramstream.store.TokenHasher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code engram bench store}: lookup throughput of the tiered store on a Zipf token stream, with
 * hot and warm sets taken from a snapshot of a warm-up stream, against (a) the whole table as
 * NDArrays in engine memory and (b) the cold mmap table alone, each with and without prefetch, in
 * the same run. Rounds interleave the variants so machine noise hits them alike; medians reported.
 */
public final class StoreBenchmark {

    /** Settings of a run. */
    public static final class Params {
        public String spec = "demo";
        public String dtype = "fp16";
        public int dim = 0;                 // 0: the spec's
        public Path table;                  // null: a file in the temp directory
        public boolean keepTable;
        public int batch = 4;
        public int seq = 512;
        public int batches = 16;
        public int rounds = 5;
        public double zipf = 1.2;
        public int warmupTokens = 1_000_000;
        public long hotRows = 1_000_000;
        public long warmRows = 4_000_000;
        public String device = "auto";
        public List<String> variants = List.of("flat", "cold", "tiered");
        public long seed = 1;
        /** 2 MiB pages for the flat table and the store's tiers, index and staging alike (where the OS allows). */
        public boolean hugePages = true;
        /** Hidden size of the step-throughput measurement's stand-in model compute; 0: no step measurement. */
        public int stepHidden = 128;
        /** Dense [hidden x hidden] matmuls per Engram layer in that compute. */
        public int stepDense = 2;
    }

    /** One way of serving lookups. */
    private interface Variant extends AutoCloseable {
        String name();
        void prefetch(TokenBatch b);
        NDList lookup(NDManager m, TokenBatch b);
        long heldBytes();
        /** Lookup staging buffers (not counted in heldBytes), -1 when not tracked. */
        default long stagingBytes() { return -1; }
        @Override void close();
    }

    private final Params p;
    private final PrintStream out;

    /** One measured line of the table: rows/s is the median over rounds. */
    public record Measured(String variant, boolean prefetch, double rowsPerSecond, double gbPerSecond) {}

    private final java.util.List<Measured> measured = new java.util.ArrayList<>();
    /** Median per-round ratios of tiered + prefetch to the flat table (without prefetch, better line); null when not measured. */
    private double[] roundRatios;

    /** {tiered + prefetch / flat without prefetch, / flat's better line}, medians of per-round ratios; null when not measured. */
    public double[] roundRatios() { return roundRatios == null ? null : roundRatios.clone(); }

    /** The table of the last {@link #run()}, line by line. */
    public java.util.List<Measured> measured() { return java.util.List.copyOf(measured); }

    /** One line of the step table: steps/s is the median over rounds; variant "compute only" has no lookup. */
    public record StepMeasured(String variant, boolean prefetch, double stepsPerSecond) {}

    private final java.util.List<StepMeasured> stepMeasured = new java.util.ArrayList<>();

    /** The step-throughput table of the last {@link #run()} (empty when it was not measured). */
    public java.util.List<StepMeasured> stepMeasured() { return java.util.List.copyOf(stepMeasured); }

    public StoreBenchmark(Params p, PrintStream out) {
        this.p = p;
        this.out = out;
    }

    public void run() throws IOException {
        EngramSpec base = EngramSpec.resolve(p.spec);
        EngramSpec.Builder sb = base.toBuilder().dtype(io.engramstream.spec.EmbeddingDType.parse(p.dtype));
        if (p.dim > 0) sb.embedDimPerHead(p.dim);
        EngramSpec spec = sb.build();
        StoreLayout layout = StoreLayout.of(spec);
        Device device = io.engramstream.store.StoreOptions.device(p.device);
        int lookups = spec.lookupsPerToken();
        long rowsPerBatch = (long) p.batch * p.seq * lookups;

        out.printf("engram bench store: %s spec (%s), %s%n", spec.name(), spec.fingerprint(), layout);
        out.printf("machine: %d cores, %s %s, %s %s (intra-op threads %s) on %s, device %s, load average %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), Engine.getInstance().getEngineName(),
                Engine.getInstance().getVersion(), System.getProperty("ai.djl.pytorch.num_threads", "default"), System.getProperty("os.arch"), device, loadAverage());
        out.printf("stream: Zipf s=%.2f over %,d ids; batches of %d x %d tokens = %,d row lookups; %d batches x %d rounds per variant%n",
                p.zipf, spec.compressedVocabSize(), p.batch, p.seq, rowsPerBatch, p.batches, p.rounds);

        Path table = p.table != null ? p.table : Path.of(System.getProperty("java.io.tmpdir"), "engram-bench-store-" + spec.fingerprint() + ColdTable.EXTENSION);
        boolean created = false;
        ColdTable cold;
        if (Files.exists(table) && ColdTable.readHeader(table).mismatch(layout) == null) {
            out.printf("table: reusing %s (%.2f GB)%n", table, Files.size(table) / 1e9);
            cold = ColdTable.open(table, layout, false);
        } else {
            long t0 = System.nanoTime();
            out.printf("table: creating %s (%.2f GB, seeded init)...%n", table, layout.tableBytes() / 1e9);
            ColdTable.create(table, layout, p.seed, 0.02).close();
            cold = ColdTable.open(table, layout, false);
            created = true;
            out.printf("table: created in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        Path snapDir = Files.createTempDirectory("engram-bench-store-snapshots");
        Supplier<TokenHasher> hashers = () -> new NgramHasher(spec)::hashRowKeys;
        List<Variant> variants = new ArrayList<>();
        try {
            SnapshotManifest manifest = publishSnapshot(spec, layout, snapDir);
            TokenBatch[] batches = batches(spec, p.seed + 1000);
            for (String v : p.variants) variants.add(open(v, spec, cold, device, snapDir, hashers));
            long huge = io.engramstream.store.HostMemory.processHugePageBytes();
            out.printf("pages: %s for the flat table and the store's hot and warm tiers, row index and staging; this process has %s on huge pages%n",
                    !p.hugePages ? "4 KiB (--huge-pages false)" : io.engramstream.store.HostMemory.hugePagesSupported() ? "2 MiB where the kernel grants them (madvise)" : "4 KiB (huge pages unsupported here)",
                    huge < 0 ? "an unknown amount" : String.format("%,.0f MB", huge / 1e6));
            measure(variants, batches, rowsPerBatch, layout, manifest);
            if (p.stepHidden > 0) measureSteps(variants, batches, layout);
        } finally {
            for (Variant v : variants) v.close();
            cold.close();
            deleteTree(snapDir);
            if (created && !p.keepTable) Files.deleteIfExists(table);
        }
    }

    private Variant open(String name, EngramSpec spec, ColdTable cold, Device device, Path snapDir, Supplier<TokenHasher> hashers) {
        switch (name) {
            case "flat": {
                long t0 = System.nanoTime();
                FlatEmbeddingTable f = FlatEmbeddingTable.load(cold, hashers, device, p.hugePages);
                out.printf("flat: whole table loaded into engine memory in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                return new Variant() {
                    public String name() { return "flat table in memory"; }
                    public void prefetch(TokenBatch b) { f.prefetch(b); }
                    public NDList lookup(NDManager m, TokenBatch b) { return f.lookup(m, b); }
                    public long heldBytes() { return f.heldBytes(); }
                    public void close() { f.close(); }
                };
            }
            case "cold":
                return storeVariant("cold-only mmap", TieredEmbeddingStore.builder(spec, cold).device(device).hugePages(p.hugePages).build());
            case "tiered":
            case "tiered-device": {
                long t0 = System.nanoTime();
                boolean hostAssembly = name.equals("tiered");
                TieredEmbeddingStore s = TieredEmbeddingStore.builder(spec, cold).device(device).hostAssembly(hostAssembly).hugePages(p.hugePages)
                        .followSnapshots(snapDir, Duration.ZERO).build();
                out.printf("%s: seeded from snapshot %s in %.1f s (%,d hot, %,d warm rows)%n", name, s.snapshotId(), (System.nanoTime() - t0) / 1e9,
                        s.hotRows(), s.warmRows());
                return storeVariant(hostAssembly ? "tiered (snapshot)" : "tiered, device gather", s);
            }
            default:
                throw new IllegalArgumentException("unknown variant '" + name + "' (flat, cold, tiered, tiered-device)");
        }
    }

    private static Variant storeVariant(String label, TieredEmbeddingStore s) {
        return new Variant() {
            public String name() { return label; }
            public void prefetch(TokenBatch b) { s.prefetch(b); }
            public NDList lookup(NDManager m, TokenBatch b) { return s.lookup(m, b); }
            public long heldBytes() { return s.heldMemory().total(); }
            public long stagingBytes() { return s.stagingBytes(); }
            public void close() { s.close(); }
            @Override public String toString() { return s.metrics().summary(); }
        };
    }

    /** Counts the rows a warm-up stream touches and publishes the top ones as snapshot 1. */
    private SnapshotManifest publishSnapshot(EngramSpec spec, StoreLayout layout, Path dir) throws IOException {
        long t0 = System.nanoTime();
        ZipfSampler z = ZipfSampler.of((int) spec.compressedVocabSize(), p.zipf, p.seed);
        java.util.SplittableRandom draws = new java.util.SplittableRandom(p.seed);
        NgramHasher h = new NgramHasher(spec);
        int len = p.seq;
        int[] tokens = new int[len];
        long[] keys = new long[(int) h.outputLength(len)];
        RowCounter counter = new RowCounter(1 << 22);
        for (int done = 0; done < p.warmupTokens; done += len) {
            z.fill(tokens, len, draws);
            h.hashRowKeys(tokens, 0, len, keys);
            for (long k : keys) counter.add(k);
        }
        long[] top = counter.top((int) Math.min(Integer.MAX_VALUE - 8, p.hotRows + p.warmRows));
        int hot = (int) Math.min(p.hotRows, top.length);
        SnapshotRows rows = SnapshotRows.full(top.length);
        for (int i = 0; i < top.length; i++) rows.add(top[i], i < hot ? Tier.HOT_CODE : Tier.WARM_CODE, counter.count(top[i]), counter.count(top[i]), 0);
        rows = rows.sortByKey();
        long[][] offsets = new long[spec.numLayers()][];
        for (int l = 0; l < offsets.length; l++) offsets[l] = spec.headOffsets(l);
        SnapshotDirectory d = new SnapshotDirectory(dir, 1);
        SnapshotMetadata md = SnapshotMetadata.full(1, -1, spec.fingerprint(), "", System.currentTimeMillis(),
                new SourcePosition(java.util.Map.of(), Long.MIN_VALUE, p.warmupTokens, "bench warm-up stream"), null, spec.layerIds());
        SnapshotManifest m = d.publish(md, rows, null, new RowLayout(spec.layerIds(), spec.headsPerNgram(), offsets), WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        out.printf("snapshot: %,d warm-up tokens touched %,d distinct rows; hot = top %,d rows (%.0f MB), warm = next %,d (%.0f MB); %.1f s%n",
                p.warmupTokens, counter.size(), m.hotRows(), m.hotRows() * (double) layout.deviceRowBytes() / 1e6, m.warmRows(),
                m.warmRows() * (double) layout.rowBytes() / 1e6, (System.nanoTime() - t0) / 1e9);
        return m;
    }

    /**
     * The measured stream: the warm-up stream's distribution (the same sampler, so the same rank to
     * id permutation: a sampler seeded differently would rank other ids first and the snapshot would
     * not predict the stream at all), drawn with another seed.
     */
    private TokenBatch[] batches(EngramSpec spec, long seed) {
        ZipfSampler z = ZipfSampler.of((int) spec.compressedVocabSize(), p.zipf, p.seed);
        java.util.SplittableRandom draws = new java.util.SplittableRandom(seed);
        TokenBatch[] b = new TokenBatch[p.batches];
        for (int i = 0; i < b.length; i++) {
            int[] t = new int[p.batch * p.seq];
            z.fill(t, t.length, draws);
            b[i] = TokenBatch.wrap(p.batch, p.seq, t);
        }
        return b;
    }

    private static long runOnce(Variant v, TokenBatch[] batches, boolean prefetch, NDManager m) {
        long t0 = System.nanoTime();
        if (prefetch) v.prefetch(batches[0]);
        for (int i = 0; i < batches.length; i++) {
            if (prefetch && i + 1 < batches.length) v.prefetch(batches[i + 1]);
            NDList r = v.lookup(m, batches[i]);
            r.close();
        }
        return System.nanoTime() - t0;
    }

    private void measure(List<Variant> variants, TokenBatch[] batches, long rowsPerBatch, StoreLayout layout, SnapshotManifest manifest) {
        int modes = 2;
        double[][][] rate = new double[variants.size()][modes][p.rounds];
        double[][][] cpu = new double[variants.size()][modes][p.rounds];
        try (NDManager m = NDManager.newBaseManager()) {
            out.printf("warming up...%n");
            for (Variant v : variants) for (int mode = 0; mode < modes; mode++) runOnce(v, batches, mode == 1, m);
            for (int r = 0; r < p.rounds; r++) {
                for (int k = 0; k < variants.size() * modes; k++) {
                    int idx = (k + r) % (variants.size() * modes);   // rotate the order from round to round
                    int vi = idx / modes, mode = idx % modes;
                    long c0 = processCpuNanos();
                    long ns = runOnce(variants.get(vi), batches, mode == 1, m);
                    cpu[vi][mode][r] = (processCpuNanos() - c0) / 1e6 / batches.length;
                    rate[vi][mode][r] = rowsPerBatch * batches.length / (ns / 1e9);
                }
                out.printf("round %d/%d done%n", r + 1, p.rounds);
            }
        }
        double flat = -1;
        for (int vi = 0; vi < variants.size(); vi++) if (variants.get(vi).name().startsWith("flat")) flat = median(rate[vi][0]);
        int rb = layout.rowBytes();
        out.println();
        out.printf("%-22s %-9s %14s %8s %9s %9s %13s %12s %8s%n", "variant", "prefetch", "rows/s", "GB/s", "vs flat", "min-max", "CPU ms/batch", "memory held", "staging");
        for (int vi = 0; vi < variants.size(); vi++) {
            Variant v = variants.get(vi);
            for (int mode = 0; mode < modes; mode++) {
                double med = median(rate[vi][mode]);
                measured.add(new Measured(v.name(), mode == 1, med, med * rb / 1e9));
                double[] s = rate[vi][mode].clone();
                Arrays.sort(s);
                long staging = v.stagingBytes();
                out.printf("%-22s %-9s %,14.0f %8.2f %9s %9s %13.1f %9.0f MB %8s%n", v.name(), mode == 1 ? "yes" : "no", med, med * rb / 1e9,
                        flat > 0 ? String.format("%.3f", med / flat) : "-",
                        String.format("%.2f", (s[s.length - 1] - s[0]) / med), median(cpu[vi][mode]), v.heldBytes() / 1e6,
                        staging < 0 ? "-" : String.format("%.0f MB", staging / 1e6));
            }
        }
        out.printf("%nrows/s: row lookups (batch x tokens x %d lookups/token) per second, median of %d rounds; GB/s: rows/s x %d bytes per stored row;%n",
                layout.numLayers() * layout.headsPerLayer(), p.rounds, rb);
        out.printf("vs flat: ratio to the flat table without prefetch; min-max: spread of the rounds relative to the median;%n");
        out.printf("CPU ms/batch: process CPU time (all threads) per batch, median: the work, whatever the machine's load;%n");
        out.printf("memory held: the flat table's arrays, or the store's hot + warm tiers + row index (the cold file is mapped, not held);%n");
        out.printf("staging: the store's reusable lookup staging buffers (per batch in flight or prefetched), held besides.%n");
        // the verdict from per-round ratios: each round measures every line back to back, so a ratio
        // within a round cancels the machine's drift between rounds (the medians above do not)
        int fi = -1, ti = -1;
        for (int vi = 0; vi < variants.size(); vi++) {
            if (variants.get(vi).name().startsWith("flat")) fi = vi;
            if (variants.get(vi).name().equals("tiered (snapshot)")) ti = vi;
        }
        if (fi >= 0 && ti >= 0) {
            double[] vsPlain = new double[p.rounds], vsBest = new double[p.rounds];
            for (int r = 0; r < p.rounds; r++) {
                vsPlain[r] = rate[ti][1][r] / rate[fi][0][r];
                vsBest[r] = rate[ti][1][r] / Math.max(rate[fi][0][r], rate[fi][1][r]);
            }
            double plain = median(vsPlain), best = median(vsBest);
            roundRatios = new double[] {plain, best};
            double[] sp = vsPlain.clone();
            Arrays.sort(sp);
            out.printf("goal (tiered + prefetch within 3%% of the flat table), median of the per-round ratios: %.3fx the flat table without%n", plain);
            out.printf("prefetch (rounds %.3f-%.3f), %.3fx the better flat line of each round: %s%n", sp[0], sp[sp.length - 1], best,
                    best >= 0.97 ? "MET against both" : plain >= 0.97 ? "met against the flat table without prefetch only" : "NOT met");
        }
        out.printf("load average at the end: %s%n", loadAverage());
        for (Variant v : variants) {
            String summary = v.toString();
            if (summary.contains("tier")) out.printf("%n%s metrics (all rounds):%n%s", v.name(), summary);
        }
    }

    /**
     * Step throughput with model compute: each step prefetches batch i+1 (when prefetching), looks
     * up batch i and runs a fixed engine computation on the lookup ({@link StepCompute}), as a model
     * step would; the prefetch thread's work can then hide behind that compute. Same interleaved
     * rounds and medians as {@link #measure}; a "compute only" line runs the compute on held
     * inputs of the lookup's shape, without any lookup.
     */
    private void measureSteps(List<Variant> variants, TokenBatch[] batches, StoreLayout layout) {
        int modes = 2;
        int configs = variants.size() * modes + 1;     // the last one: compute only
        double[][] rate = new double[configs][p.rounds];
        double[][] cpu = new double[configs][p.rounds];
        double[][] lookupMs = new double[configs][p.rounds];
        long tokens = (long) p.batch * p.seq;
        out.printf("%nstep throughput with model compute: per step prefetch(batch i+1) [prefetch lines], lookup(batch i), then a fixed%n");
        out.printf("engine compute on the lookup standing in for the rest of a model step: per layer [%d x %d] -> %d projection + %d dense%n",
                tokens, layout.lookupWidth(), p.stepHidden, p.stepDense);
        out.printf("[%d x %d] matmuls, tanh (--step-compute-hidden %d --step-compute-dense %d); measuring...%n", p.stepHidden, p.stepHidden, p.stepHidden, p.stepDense);
        long[] lookupNs = new long[1];
        try (StepCompute c = new StepCompute(layout.numLayers(), layout.lookupWidth(), p.stepHidden, p.stepDense);
             NDManager m = NDManager.newBaseManager()) {
            NDList held = new NDList();
            for (int l = 0; l < layout.numLayers(); l++)
                held.add(m.randomNormal(0f, 0.02f, new ai.djl.ndarray.types.Shape(p.batch, p.seq, layout.lookupWidth()), ai.djl.ndarray.types.DataType.FLOAT32));
            for (int k = 0; k < configs; k++) runSteps(k == configs - 1 ? null : variants.get(k / modes), k % modes == 1, batches, m, c, held, lookupNs);
            for (int r = 0; r < p.rounds; r++) {
                for (int j = 0; j < configs; j++) {
                    int k = (j + r) % configs;
                    long c0 = processCpuNanos();
                    lookupNs[0] = 0;
                    long ns = runSteps(k == configs - 1 ? null : variants.get(k / modes), k % modes == 1, batches, m, c, held, lookupNs);
                    cpu[k][r] = (processCpuNanos() - c0) / 1e6 / batches.length;
                    rate[k][r] = batches.length / (ns / 1e9);
                    lookupMs[k][r] = lookupNs[0] / 1e6 / batches.length;
                }
                out.printf("step round %d/%d done%n", r + 1, p.rounds);
            }
            double flops = c.flops(tokens);
            double flat = -1;
            for (int k = 0; k < configs - 1; k++) if (variants.get(k / modes).name().startsWith("flat")) flat = Math.max(flat, median(rate[k]));
            out.println();
            out.printf("%-22s %-9s %10s %9s %9s %11s %15s %13s %12s%n", "step variant", "prefetch", "steps/s", "vs flat", "min-max", "ms/step",
                    "lookup ms/step", "CPU ms/step", "memory held");
            for (int k = 0; k < configs; k++) {
                boolean computeOnly = k == configs - 1;
                Variant v = computeOnly ? null : variants.get(k / modes);
                String name = computeOnly ? "compute only" : v.name();
                boolean prefetch = !computeOnly && k % modes == 1;
                double med = median(rate[k]);
                stepMeasured.add(new StepMeasured(name, prefetch, med));
                double[] s = rate[k].clone();
                Arrays.sort(s);
                out.printf("%-22s %-9s %10.2f %9s %9s %11.1f %15s %13.1f %12s%n", name, computeOnly ? "-" : prefetch ? "yes" : "no", med,
                        flat > 0 && !computeOnly ? String.format("%.3f", med / flat) : "-", String.format("%.2f", (s[s.length - 1] - s[0]) / med),
                        1000 / med, computeOnly ? "-" : String.format("%.1f", median(lookupMs[k])), median(cpu[k]),
                        computeOnly ? "-" : String.format("%.0f MB", v.heldBytes() / 1e6));
            }
            double computeMs = 1000 / median(rate[configs - 1]);
            out.printf("%nsteps/s: steps (one batch of %d x %d tokens each) per second, median of %d rounds; vs flat: ratio to the flat table's%n",
                    p.batch, p.seq, p.rounds);
            out.printf("better line (with or without prefetch); ms/step: 1000 / steps/s; lookup ms/step: wall time inside lookup() per step%n");
            out.printf("(what prefetch did not hide); CPU ms/step: process CPU, all threads (the prefetch thread included).%n");
            out.printf("compute: %.2f GFLOP per step, %.1f ms alone (%.1f GFLOP/s)", flops / 1e9, computeMs, flops / 1e9 / (computeMs / 1e3));
            for (int k = 0; k < configs - 1; k++) {
                if (k % modes == 0 && variants.get(k / modes).name().startsWith("flat")) {
                    double lk = median(lookupMs[k]);
                    out.printf("; flat lookup without prefetch %.1f ms per step: compute = %.1fx the flat lookup", lk, computeMs / lk);
                }
            }
            out.printf("%nload average at the end: %s%n", loadAverage());
        }
    }

    /** One pass of steps over the batches; {@code v == null}: compute only, on {@code held}. */
    private static long runSteps(Variant v, boolean prefetch, TokenBatch[] batches, NDManager m, StepCompute c, NDList held, long[] lookupNs) {
        long t0 = System.nanoTime();
        if (v != null && prefetch) v.prefetch(batches[0]);
        for (int i = 0; i < batches.length; i++) {
            if (v == null) {
                try (NDManager tmp = m.newSubManager()) {
                    held.tempAttach(tmp);   // intermediates go to tmp; the inputs return to m when tmp closes
                    c.run(held);
                }
                continue;
            }
            if (prefetch && i + 1 < batches.length) v.prefetch(batches[i + 1]);
            try (NDManager tmp = m.newSubManager()) {
                long l0 = System.nanoTime();
                NDList r = v.lookup(tmp, batches[i]);
                lookupNs[0] += System.nanoTime() - l0;
                c.run(r);
            }
        }
        return System.nanoTime() - t0;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> { try { Files.deleteIfExists(q); } catch (IOException e) { /* best effort */ } });
        } catch (IOException e) {
            // best effort
        }
    }
}
