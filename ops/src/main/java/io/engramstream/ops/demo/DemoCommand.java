package io.engramstream.ops.demo;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.canon.TokenizerAssets;
import io.engramstream.cli.EngramCli;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.model.metrics.MetricsServer;
import io.engramstream.model.metrics.RuntimeMetrics;
import io.engramstream.model.train.Tables;
import io.engramstream.model.train.TrainSession;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotReport;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.EuroparlCorpus;
import io.engramstream.store.StoreMetrics;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import io.engramstream.topics.LocalBroker;
import io.engramstream.topics.TopicCatalog;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram demo}: the whole pipeline on one machine, its parts talking only through Kafka
 * (a local KRaft broker in its own JVM) and the snapshot directory:
 * assets -> broker + topics -> corpus to Kafka -> statistics job (MiniCluster, bounded replay)
 * -> snapshot v1 -> the runtime trains a few steps of the Engram LM with its table in the tiered
 * store placed by LATEST -> serves requests from the request topic (answers and InferenceTraffic
 * to Kafka) -> the job counts the traffic -> snapshot v2 (delta) -> the runtime's store swaps and
 * serves again -> summary + HTML report. {@code --no-kafka} runs the file-only path (the job reads
 * files, requests are served in-process, the traffic is a file).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline locally: Europarl -> Kafka -> statistics job -> snapshots -> the runtime trains a few steps"
                + " of the Engram LM on the tiered store and serves requests, whose traffic flows back into the statistics ->"
                + " a new snapshot the runtime swaps in; prints a summary and writes an HTML report to --out.",
                "Starts (and stops, also on Ctrl-C) a local KRaft broker and an in-process Flink MiniCluster."})
public final class DemoCommand implements Callable<Integer>, EngramCommand {
    static final int STEPS = 9;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "engram-out", description = "Everything the demo writes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-kafka", description = "File-only path: no broker; the job reads files and the served traffic is written to a file.")
    boolean noKafka;

    @Option(names = "--docs", paramLabel = "N", defaultValue = "1500", description = "Europarl documents to ingest (default: ${DEFAULT-VALUE}).")
    int docs;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "16", description = "Requests served per round, from held-out Europarl documents (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "48", description = "Prompt tokens per request (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", paramLabel = "N", defaultValue = "16", description = "Tokens the model generates per request (greedy) (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "8", description = "Requests per forward pass when serving (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--train-steps", paramLabel = "N", defaultValue = "8", description = "Training steps of the Engram LM before serving (default: ${DEFAULT-VALUE}).")
    int trainSteps;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "64", description = "Residual width of the demo's language model (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--spec", paramLabel = "FILE|demo", defaultValue = "demo", description = "Engram spec (default: ${DEFAULT-VALUE}).")
    String specArg;

    @Option(names = "--hot-bytes", paramLabel = "BYTES", defaultValue = "16777216", description = "Hot-tier budget (default: ${DEFAULT-VALUE} = 16 MiB).")
    long hotBytes;

    @Option(names = "--warm-bytes", paramLabel = "BYTES", defaultValue = "134217728", description = "Warm-tier budget (default: ${DEFAULT-VALUE} = 128 MiB).")
    long warmBytes;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "Statistics job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Expose the runtime's metrics in the Prometheus format at http://127.0.0.1:PORT/metrics while the demo runs (0: any free port; default: off).")
    Integer metricsPort;

    @Option(names = "--keep-broker", description = "Leave the local broker running at the end (stop it with engram kafka stop --dir OUT/kafka).")
    boolean keepBroker;

    @Override public Integer call() throws Exception {
        if (docs <= 0 || requests <= 0 || promptTokens < 2) throw new UserError("--docs, --requests must be positive and --prompt-tokens at least 2");
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) throw new UserError("--metrics-port must be in [0, 65535]");
        if (newTokens < 0 || maxBatch < 1 || trainSteps < 1 || hidden < 2 || hidden % 2 != 0) {
            throw new UserError("--new-tokens must be >= 0, --max-batch and --train-steps >= 1, --hidden even and >= 2");
        }
        Path o = out.toAbsolutePath().normalize();
        Files.createDirectories(o);
        PrintStream p = System.out;
        DemoSteps steps = new DemoSteps(p, STEPS);
        DemoResult r = new DemoResult();
        r.mode = noKafka ? "files" : "kafka";
        long t0 = System.nanoTime();
        EngramSpec spec = EngramSpec.resolve(specArg);
        p.printf(Locale.ROOT, "engram demo: spec %s (%s), %s path, out %s%n", spec.fingerprint(), spec.describe(), r.mode, o);

        LocalBroker broker = noKafka ? null : new LocalBroker(o.resolve("kafka"));
        Path sparseTable = o.resolve("store").resolve(Tables.TABLE_FILE);
        // Ctrl-C / SIGTERM: stop the broker JVM and remove the runtime's sparse table file (the MiniCluster,
        // the serve loop and the metrics endpoint live in this JVM and end with it).
        Thread hook = new Thread(() -> {
            if (!keepBroker) stopBroker(broker, p);
            try {
                Files.deleteIfExists(sparseTable);
            } catch (IOException ignored) {
                // best effort on the way out
            }
        }, "engram-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            // 1. assets
            steps.begin("assets: DeepSeek-V3 tokenizer (pinned, sha256-checked, cached) and the Europarl sample");
            Path tokenizerJson = TokenizerAssets.deepSeekV3TokenizerJson();
            Path europarl = EuroparlCorpus.file();
            CanonicalMap canon = CanonicalMaps.forId(spec.canonicalMapId());
            Path corpusDir = o.resolve("corpus");
            Files.createDirectories(corpusDir);
            Path slice = corpusDir.resolve("europarl-slice.lines.txt");
            List<String> prompts = new ArrayList<>();
            r.documents = sliceEuroparl(europarl, docs, requests, slice, prompts);
            if (prompts.isEmpty()) throw new UserError("the Europarl sample has no documents left after " + docs + " for the requests");
            steps.end(String.format(Locale.ROOT, "tokenizer %s, canonical map %s (%d -> %d ids), %d documents in %s, %d held out for requests",
                    tokenizerJson.getFileName(), canon.fingerprint(), canon.oldVocabSize(), canon.canonicalVocabSize(), r.documents,
                    o.relativize(slice), prompts.size()));

            // 2. broker + topics
            String bootstrap = null;
            steps.begin(noKafka ? "broker: skipped (--no-kafka)" : "broker: local KRaft broker (own JVM) and the topic catalog");
            if (broker != null) {
                Optional<LocalBroker.Running> earlier = broker.status();
                if (earlier.isPresent()) {
                    throw new UserError("a broker from an earlier demo still runs in " + broker.dir() + " (pid " + earlier.get().pid()
                            + "): stop it with engram kafka stop --dir " + broker.dir());
                }
                // A fresh log every run: an earlier run's records (corpus, requests, responses, manifests of
                // snapshot versions this run will number again) must not mix into this one.
                deleteTree(broker.dataDir());
                int port = freePort(), cport = freePort();
                LocalBroker.StartResult started = broker.start(port, cport, Duration.ofSeconds(90));
                bootstrap = started.broker().bootstrap();
                r.brokerPid = started.broker().pid();
                cli("topics", "apply", "--bootstrap", bootstrap);
                steps.end("broker pid " + started.broker().pid() + " at " + bootstrap + ", topics applied (log " + o.relativize(broker.logFile()) + ")");
            } else {
                steps.end("file-only path");
            }

            // 3. corpus in
            steps.begin(noKafka ? "corpus: the job reads " + o.relativize(slice) + " directly" : "corpus: produce the Europarl slice as CorpusText records");
            if (bootstrap != null) {
                cli("produce", "text", "--bootstrap", bootstrap, "--input", slice.toString(), "--format", "EUROPARL");
            }
            steps.end(r.documents + " documents");

            // 4. statistics over the corpus; the job places and publishes snapshot v1 itself
            steps.begin("statistics job (Flink MiniCluster, parallelism " + parallelism + ") over the corpus; it publishes snapshot v1 (hot "
                    + mib(hotBytes) + ", warm " + mib(warmBytes) + ") into " + o.relativize(o.resolve("snapshots")));
            Path snapDir = o.resolve("snapshots");
            deleteTree(snapDir);   // versions start at 1 on every demo run
            String[] budgetArgs = {"--placement.hot-bytes", Long.toString(hotBytes), "--placement.warm-bytes", Long.toString(warmBytes)};
            if (bootstrap != null) {
                runJob(o, budgetArgs, "--kafka", bootstrap, "--kafka-bounded", "true", "--kafka-topics", TopicCatalog.CORPUS_TEXT,
                        "--kafka-group", "engram-demo-corpus");
            } else {
                runJob(o, budgetArgs, "--input", slice.toString());
            }
            StatsSummary corpusStats = summary(o);
            r.corpusTokens = corpusStats.tokens();
            r.corpusLookups = corpusStats.lookups();
            r.corpusDistinctRows = corpusStats.distinctRows();
            r.deadLetters = corpusStats.deadLetters();
            SnapshotManifest v1 = SnapshotDirectory.readLatest(snapDir)
                    .orElseThrow(() -> new IllegalStateException("the statistics job published no snapshot into " + snapDir));
            r.snapshots.add(v1);
            steps.end(String.format(Locale.ROOT, "%,d tokens, %,d lookups, %,d distinct rows, %,d dead letters; %s from %s",
                    corpusStats.tokens(), corpusStats.lookups(), corpusStats.distinctRows(), corpusStats.deadLetters(), describe(v1),
                    v1.source().description()));

            // 5. the runtime trains a few steps on the placement of the latest snapshot
            DemoRuntime.ModelSettings ms = new DemoRuntime.ModelSettings(trainSteps, hidden, 2, 64, 4, 4096, 600_000L);
            steps.begin(String.format(Locale.ROOT, "runtime: train %d steps of the Engram LM (%d layers, Engram at %s), table in the tiered store placed by %s/LATEST",
                    trainSteps, DemoRuntime.layersFor(spec), spec.layerIds(), o.relativize(snapDir)));
            Path tableDir = o.resolve("store");
            Path modelDir = o.resolve("model");
            Files.createDirectories(tableDir);
            long trainStart = System.nanoTime();
            // The runtime's training text: on the Kafka path it reads the corpus topic, like every other consumer.
            Path trainCorpus = slice;
            if (bootstrap != null) {
                trainCorpus = o.resolve("runtime").resolve("corpus-from-topic.txt");
                int n = DemoRuntime.corpusFromTopic(bootstrap, trainCorpus);
                p.println("      read " + n + " documents from " + TopicCatalog.CORPUS_TEXT + " into " + o.relativize(trainCorpus));
            }
            TrainSession.Result trained = DemoRuntime.train(trainCorpus, specArg, spec, snapDir, tableDir, modelDir, ms, line -> p.println("      " + line));
            r.training = new DemoResult.Training(trained, v1.version(), (System.nanoTime() - trainStart) / 1e9);
            steps.end(r.training.describe());

            List<int[]> rawPrompts = new ArrayList<>();
            try (TextTokenizer tok = TextTokenizers.forId(spec.canonicalMapId())) {
                for (String text : prompts) {
                    int[] ids = tok.encode(text);
                    if (ids.length > promptTokens) ids = java.util.Arrays.copyOf(ids, promptTokens);
                    if (ids.length >= 2) rawPrompts.add(ids);
                }
            }
            RuntimeMetrics runtimeMetrics = new RuntimeMetrics();
            try (DemoRuntime rt = DemoRuntime.open(modelDir, tableDir, snapDir, bootstrap, line -> p.println("      " + line));
                 MetricsServer metricsServer = metricsPort == null ? null : MetricsServer.start("127.0.0.1", metricsPort, runtimeMetrics::render)) {
                runtimeMetrics.store(rt.store());
                if (metricsServer != null) p.println("      runtime metrics: http://127.0.0.1:" + metricsServer.port() + "/metrics");
                p.println("      the runtime's store follows " + (bootstrap != null ? "the manifest topic " + TopicCatalog.SNAPSHOT_MANIFESTS
                        + " (files in " + o.relativize(snapDir) + ")" : o.relativize(snapDir) + "/LATEST (polled every 200 ms)"));
                // 6. serve a first round
                steps.begin("runtime: serve " + rawPrompts.size() + " requests (" + newTokens + " new tokens each) "
                        + (bootstrap != null ? "from engram.inference.requests, answers + traffic to Kafka" : "in-process"));
                if (bootstrap != null) runtimeMetrics.serve(rt.connect(bootstrap, maxBatch, newTokens));
                waitForVersion(rt.store(), v1.version());
                r.rounds.add(round("round 1", rt, rawPrompts, tokenizerJson));
                steps.end(r.rounds.get(0).describe());

                // 7. the traffic flows back: the job counts everything on the bus again, corpus + served traffic
                steps.begin(noKafka ? "statistics job over the corpus + the served requests (prompt + generated tokens, a file); snapshot v2"
                        : "statistics job over the corpus + the serve loop's InferenceTraffic topic (a bounded replay); snapshot v2");
                List<DemoRuntime.Served> served1 = r.rounds.get(0).served;
                // What round 1 answered, as the demo saw it (Kafka: its prompts + the responses' tokens): the job's
                // traffic input on the file-only path, a record to check the job's count against on the Kafka path.
                Path trafficFile = o.resolve("traffic").resolve("served.jsonl");
                DemoRuntime.writeTraffic(trafficFile, served1);
                if (bootstrap != null) {
                    runJob(o, budgetArgs, "--kafka", bootstrap, "--kafka-bounded", "true", "--kafka-topics",
                            TopicCatalog.CORPUS_TEXT + "," + TopicCatalog.INFERENCE_TRAFFIC, "--kafka-group", "engram-demo-replay");
                } else {
                    Path replay = o.resolve("replay");
                    deleteTree(replay);
                    Files.createDirectories(replay);
                    // One input format per directory: the corpus bodies as {"text": ...} lines beside the traffic's token lines.
                    writeCorpusJsonl(slice, replay.resolve("corpus.jsonl"));
                    Files.copy(trafficFile, replay.resolve(trafficFile.getFileName()));
                    runJob(o, budgetArgs, "--input", replay.toString(), "--tokenizer", spec.canonicalMapId());
                }
                StatsSummary all = summary(o);
                RowStatsColumns allRows = StatsDirectory.readRows(StatsDirectory.latest(o).orElseThrow());
                long inference = 0;
                for (int i = 0; i < allRows.size(); i++) inference += allRows.inference(i);
                r.trafficRecords = all.records() - corpusStats.records();
                r.trafficLookups = inference;
                r.trafficTokens = inference / spec.lookupsPerToken();
                r.servedTokens = served1.stream().mapToLong(DemoRuntime.Served::tokens).sum();
                r.mergedDistinctRows = all.distinctRows();
                r.mergedInferenceLookups = inference;
                SnapshotManifest v2 = SnapshotDirectory.readLatest(snapDir).orElseThrow();
                if (v2.version() <= v1.version()) {
                    throw new IllegalStateException("the statistics job published no snapshot after v" + v1.version() + " from the replay");
                }
                r.snapshots.add(v2);
                steps.end(String.format(Locale.ROOT, "%,d traffic records, %,d inference lookups counted (served: %,d tokens x %d = %,d); "
                                + "%,d tokens in all; %s from %s", r.trafficRecords, inference, r.servedTokens, spec.lookupsPerToken(),
                        r.servedTokens * spec.lookupsPerToken(), all.tokens(), describe(v2), v2.source().description()));

                // 8. the runtime picks v2 up by itself and serves again
                steps.begin("runtime: swaps to snapshot v" + v2.version() + " and serves the same requests again");
                waitForVersion(rt.store(), v2.version());
                r.rounds.add(round("round 2", rt, rawPrompts, tokenizerJson));
                r.storeSummary = rt.store().metrics().summary();
                r.swaps = rt.store().metrics().swaps();
                r.rejected = rt.store().metrics().rejectedSnapshots();
                steps.end(r.rounds.get(1).describe());
            } finally {
                Files.deleteIfExists(tableDir.resolve(Tables.TABLE_FILE));
            }

            // 9. report
            steps.begin("summary and HTML report");
            Path reportDir = o.resolve("report");
            SnapshotReport.write(snapDir, reportDir);
            r.wallSeconds = (System.nanoTime() - t0) / 1e9;
            r.steps = steps.timings();
            Path html = DemoReport.write(o, reportDir, r, spec);
            steps.end("wrote " + o.relativize(html) + " and " + o.relativize(o.resolve("summary.json")));
            r.wallSeconds = (System.nanoTime() - t0) / 1e9;
            DemoReport.writeJson(o.resolve("summary.json"), r);
            p.println();
            p.print(DemoReport.summaryTable(r));
            p.printf(Locale.ROOT, "%ndone in %.1f s. Open %s%n", r.wallSeconds, html);
            return 0;
        } finally {
            if (broker != null && !keepBroker) stopBroker(broker, p);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: it stopped the broker
            }
        }
    }

    private static String describe(SnapshotManifest m) {
        return String.format(Locale.ROOT, "snapshot v%d: %,d hot + %,d warm rows, %s bytes%s", m.version(), m.hotRows(), m.warmRows(),
                String.format(Locale.ROOT, "%,d", m.bytes()),
                m.previousVersion() == null ? "" : String.format(Locale.ROOT, ", %d promotions / %d demotions from v%d%s",
                        m.promotions(), m.demotions(), m.previousVersion(), m.delta() == null ? "" : " (delta " + m.delta().rows() + " rows)"));
    }

    /** One round of requests through the runtime, with the store's lookups by tier over the round. */
    private DemoResult.Round round(String name, DemoRuntime rt, List<int[]> prompts, Path tokenizerJson) throws Exception {
        StoreMetrics m = rt.store().metrics();
        long[] before = DemoRuntime.tierPositions(m);
        long t0 = System.nanoTime();
        List<DemoRuntime.Served> served = rt.serve(name.replace(" ", ""), prompts, newTokens, maxBatch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] after = DemoRuntime.tierPositions(m);
        DemoResult.Round r = new DemoResult.Round();
        r.name = name;
        r.served = served;
        r.snapshot = rt.store().snapshotId();
        r.requests = served.size();
        r.lookups = after[after.length - 1] - before[before.length - 1];
        r.seconds = seconds;
        for (Tier t : Tier.values()) r.servedByTier.put(t.label(), after[t.ordinal()] - before[t.ordinal()]);
        long[] latencies = served.stream().mapToLong(DemoRuntime.Served::latencyMicros).sorted().toArray();
        r.p50Micros = latencies[latencies.length / 2];
        r.p99Micros = latencies[Math.min(latencies.length - 1, (int) Math.ceil(latencies.length * 0.99) - 1)];
        r.hotRows = rt.store().hotRows();
        r.warmRows = rt.store().warmRows();
        r.generatedTokens = served.stream().mapToLong(s -> s.generated().length).sum();
        DemoRuntime.Served first = served.get(0);
        int[] tail = java.util.Arrays.copyOfRange(first.prompt(), Math.max(0, first.prompt().length - 12), first.prompt().length);
        r.sample = "..." + DemoRuntime.decode(tokenizerJson, tail) + " => " + DemoRuntime.decode(tokenizerJson, first.generated());
        return r;
    }

    private static void waitForVersion(TieredEmbeddingStore store, long version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String id = store.snapshotId();
            if (!id.isEmpty() && Long.parseLong(id) >= version) return;
            if (store.metrics().rejectedSnapshots() > 0) {
                throw new IllegalStateException("the store rejected a snapshot: " + store.metrics().lastRejection());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the store did not pick up snapshot " + version + " within 60 s (serves '" + store.snapshotId() + "')");
    }

    private void runJob(Path statsOut, String... inputArgs) {
        runJob(statsOut, new String[0], inputArgs);
    }

    private void runJob(Path statsOut, String[] extra, String... inputArgs) {
        List<String> a = new ArrayList<>(List.of("run", "--out", statsOut.toString(), "--spec", specArg, "--parallelism",
                Integer.toString(parallelism), "--checkpoint-interval", "2s", "--restart-attempts", "0", "--quiet"));
        a.addAll(List.of(extra));
        a.addAll(List.of(inputArgs));
        cli(a.toArray(new String[0]));
    }

    private static StatsSummary summary(Path statsOut) throws IOException {
        Optional<Path> pub = StatsDirectory.latest(statsOut);
        if (pub.isEmpty()) throw new IllegalStateException("the statistics job published nothing under " + statsOut);
        return StatsDirectory.readSummary(pub.get());
    }

    private static void cli(String... args) {
        int code = EngramCli.execute(args);
        if (code != 0) throw new UserError("step 'engram " + String.join(" ", args) + "' failed with exit code " + code);
    }

    /** Europarl lines (title, date, body) as JSON lines {"text": body}: the same text the europarl format counts. */
    static void writeCorpusJsonl(Path europarlLines, Path jsonl) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (BufferedReader in = Files.newBufferedReader(europarlLines, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t", 3);
                w.write(json.writeValueAsString(Map.of("text", f.length == 3 ? f[2] : line)));
                w.write('\n');
            }
        }
    }

    /** Copies the first {@code docs} documents to {@code slice}; the bodies of the next {@code requests} become prompts. */
    static int sliceEuroparl(Path europarlGz, int docs, int requests, Path slice, List<String> prompts) throws IOException {
        int n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(europarlGz), 1 << 16),
                StandardCharsets.UTF_8)); BufferedWriter w = Files.newBufferedWriter(slice, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null && prompts.size() < requests) {
                if (line.isBlank()) continue;
                if (n < docs) {
                    w.write(line);
                    w.write('\n');
                    n++;
                } else {
                    String[] f = line.split("\t", 3);
                    if (f.length == 3 && f[2].length() > 200) prompts.add(f[2]);
                }
            }
        }
        return n;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void stopBroker(LocalBroker broker, PrintStream p) {
        if (broker == null) return;
        try {
            if (broker.stop(Duration.ofSeconds(20)).isPresent()) p.println("engram demo: stopped the local broker");
        } catch (RuntimeException e) {
            p.println("engram demo: could not stop the local broker: " + e.getMessage() + " (engram kafka stop --dir " + broker.dir() + ")");
        }
    }

    static String mib(long bytes) { return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0); }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }

}
