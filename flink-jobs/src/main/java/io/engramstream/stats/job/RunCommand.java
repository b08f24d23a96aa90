package io.engramstream.stats.job;

import io.engramstream.cli.EngramCli;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.config.EngramConfig;
import io.engramstream.config.OptionSupport;
import io.engramstream.placement.StatsSnapshotPublisher;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotReport;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import io.engramstream.stats.input.JobInput;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code engram run}: the statistics job on an in-process MiniCluster with checkpointing (or, from
 * the shaded jar's {@code main}, on whatever cluster {@code flink run} submits to), with a progress
 * line every few seconds and the statistics published to {@code --out}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the statistics job (MemoryStatsJob): canonicalize, hash and count every Engram lookup, exactly once.",
                "Reads the Europarl sample by default, --input PATH (file or directory; text, JSON lines, Europarl lines, .tok), "
                        + "zipf:TOKENS[,s=1.1,seed=N,chunk=N] or, with --kafka, the corpus and inference topics.",
                "Publishes statistics to OUT/stats (see engram stats top)."})
public final class RunCommand implements Callable<Integer>, EngramCommand {
    @Option(names = "--input", paramLabel = "PATH", description = "File, directory, europarl (default) or zipf:TOKENS[,s=..,seed=..,chunk=..].")
    String input;

    @Option(names = "--spec", paramLabel = "FILE|demo", defaultValue = "demo", description = "Engram spec: a preset (demo, tiny) or a .json/.yaml file (default: ${DEFAULT-VALUE}).")
    String specArg;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "engram-out", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Read the Kafka topics at these bootstrap servers instead of files.")
    String kafka;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for the source, the dead-letter sink and the manifest announcements.")
    Path kafkaProperties;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Checkpoint directory (default: OUT/checkpoints for local runs).")
    String checkpointDir;

    @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Restore from this savepoint or retained checkpoint.")
    String savepoint;

    @Option(names = "--restart-attempts", defaultValue = "3", description = "Task failures survived (fixed-delay restarts) (default: ${DEFAULT-VALUE}).")
    int restartAttempts;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    private CommandSpec spec;

    @Spec void spec(CommandSpec s) {
        this.spec = s;
        OptionSupport.register(s, StatsJobOptions.all());
        OptionSupport.register(s, StatsSnapshotPublisher.OPTIONS);
    }

    /** The job's {@code main}: the same options, through the CLI's error handling. */
    static int runMain(String[] args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "run";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        return EngramCli.execute(withCommand);
    }

    @Override public Integer call() throws Exception {
        EngramConfig config = OptionSupport.read(spec, StatsJobOptions.all());
        EngramSpec engramSpec = EngramSpec.resolve(specArg);
        PrintStream o = System.out;
        if (kafkaProperties != null && kafka == null) throw new UserError("--kafka-properties needs --kafka");
        JobInput in = kafka != null
                ? JobInput.kafka(kafka, topics(config.get(StatsJobOptions.KAFKA_TOPICS)), config.get(StatsJobOptions.KAFKA_GROUP),
                        config.get(StatsJobOptions.KAFKA_BOUNDED), kafkaProperties(kafkaProperties))
                : JobInput.parse(input, config.get(StatsJobOptions.INPUT_FORMAT), config.get(StatsJobOptions.REPEAT));
        Path outAbs = out.toAbsolutePath();
        Path snapshots = outAbs.resolve("snapshots");
        StatsSettings.Builder sb = StatsSettings.fromConfig(engramSpec, config).outDir(outAbs.toString())
                .snapshots(snapshots.toString(), givenTexts(StatsSnapshotPublisher.OPTIONS));
        if (kafka != null && config.get(StatsJobOptions.PUBLISH_MANIFESTS)) {
            java.util.Map<String, String> client = new java.util.TreeMap<>(kafkaProperties(kafkaProperties));
            client.put("bootstrap.servers", kafka);
            sb.manifests(client, config.get(StatsJobOptions.MANIFEST_TOPIC));
        }
        StatsSettings settings = sb.build();
        int parallelism = config.get(StatsJobOptions.PARALLELISM);
        if (parallelism <= 0) parallelism = Runtime.getRuntime().availableProcessors();
        if (parallelism > settings.shards) throw new UserError("parallelism " + parallelism + " exceeds --shards " + settings.shards);
        if (savepoint != null && !savepoint.contains("://") && !Files.exists(Path.of(savepoint.replaceFirst("^file:", "")))) {
            // Flink would log the missing path as a stack trace from inside the MiniCluster.
            throw new UserError("--from-savepoint: no such savepoint or checkpoint: " + savepoint);
        }
        String cpDir = checkpointDir != null ? checkpointDir : outAbs.resolve("checkpoints").toString();
        MemoryStatsJob.Runtime rt = new MemoryStatsJob.Runtime(parallelism, config.get(StatsJobOptions.CHECKPOINT_INTERVAL),
                config.get(StatsJobOptions.STATE_BACKEND), cpDir, restartAttempts, savepoint);
        if (savepoint == null) {
            StatsDirectory.clear(outAbs);
            deleteTree(outAbs.resolve("dead-letters"));
        }
        Files.createDirectories(outAbs);

        Configuration conf = MemoryStatsJob.configuration(rt, settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        MemoryStatsJob.build(env, in, settings, outAbs.toString(), config.get(StatsJobOptions.DEAD_LETTER_TOPIC));
        boolean local = env instanceof LocalStreamEnvironment;

        o.printf("engram run: spec %s (%s), %d lookups/token%n", engramSpec.fingerprint(), engramSpec.describe(), engramSpec.lookupsPerToken());
        o.printf("  input %s%n  canonical map %s (%s), tokenizer %s%n", in.describe(), settings.canonicalMapId,
                settings.canonicalMapFingerprint, settings.tokenizerId);
        o.printf("  parallelism %d, %d virtual shards, state %s/%s, checkpoints every %s%s, out %s%n", parallelism, settings.shards,
                rt.stateBackend(), settings.layout, rt.checkpointInterval(), local ? " (in-process MiniCluster)" : "", outAbs);
        long t0 = System.nanoTime();
        JobClient client = env.executeAsync("engram-stats " + in.describe());
        if (local && !quiet) {
            progress(client, o, t0);
        }
        JobExecutionResult result = client.getJobExecutionResult().get();
        double secs = (System.nanoTime() - t0) / 1e9;
        Optional<Path> pub = StatsDirectory.latest(outAbs);
        if (pub.isEmpty()) {
            o.printf("done in %.1f s (no statistics published yet: unbounded runs publish every --publish-interval)%n", secs);
            return 0;
        }
        StatsSummary s = StatsDirectory.readSummary(pub.get());
        o.printf("done in %.1f s (job %.1f s): %,d tokens, %,d lookups, %,d distinct rows, %,d records, %,d dead letters%n",
                secs, result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3, s.tokens(), s.lookups(), s.distinctRows(), s.records(), s.deadLetters());
        o.printf("  %.0f tokens/s (%.0f per core); statistics in %s (engram stats top --out %s)%n",
                s.tokens() / secs, s.tokens() / secs / parallelism, pub.get(), out);
        Optional<SnapshotManifest> latest = SnapshotDirectory.readLatest(snapshots);
        if (latest.isPresent()) {
            SnapshotManifest m = latest.get();
            Path report = SnapshotReport.write(snapshots, outAbs.resolve("report"));
            o.printf("  snapshot v%d: %,d hot + %,d warm rows (%s); report %s%n", m.version(), m.hotRows(), m.warmRows(),
                    snapshots.resolve(m.file()), report);
            if (settings.manifestKafka != null) {
                Optional<io.engramstream.snapshot.ManifestOutbox.Sent> sent = io.engramstream.snapshot.ManifestOutbox.lastSent(snapshots);
                o.printf("  manifest %s%n", sent.isPresent() && sent.get().version() == m.version()
                        ? "v" + m.version() + " announced on " + settings.manifestTopic
                        : "of v" + m.version() + " NOT announced on " + settings.manifestTopic + " (see the job log; the next start re-sends it)");
            }
        }
        return 0;
    }

    /** The placement/snapshot options the user gave, as text, for the tasks to parse again. */
    private java.util.Map<String, String> givenTexts(java.util.List<io.engramstream.config.EngramOption<?>> options) {
        java.util.Map<String, String> texts = new java.util.HashMap<>();
        for (io.engramstream.config.EngramOption<?> opt : options) {
            Object v = spec.findOption("--" + opt.key()).getValue();
            if (v != null) {
                opt.parse((String) v);   // a bad value fails here, in one line, not inside a task
                texts.put(opt.key(), (String) v);
            }
        }
        return texts;
    }

    /** Prints a progress line every 2 s until the job ends. */
    static void progress(JobClient client, PrintStream o, long t0) throws Exception {
        long lastTokens = 0, lastLookups = 0, last = System.nanoTime();
        while (true) {
            JobStatus status;
            try {
                status = client.getJobStatus().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                return;
            }
            if (status.isGloballyTerminalState()) return;
            Thread.sleep(2000);
            ProgressReporter.Snapshot p = ProgressReporter.snapshot();
            // The job's metrics vanish as it finishes: nothing meaningful to print any more.
            if (p.tokens() < lastTokens) return;
            long now = System.nanoTime();
            double dt = (now - last) / 1e9;
            o.printf("[%5.0fs] tokens %s (%s/s)  lookups %s (%s/s)  distinct rows %s  checkpoints %d  dead letters %d%n",
                    (now - t0) / 1e9, human(p.tokens()), human((p.tokens() - lastTokens) / dt), human(p.lookups()),
                    human((p.lookups() - lastLookups) / dt), human(p.distinctRows()), p.checkpoints(), p.deadLetters());
            lastTokens = p.tokens();
            lastLookups = p.lookups();
            last = now;
        }
    }

    static String human(double v) {
        if (v >= 1e9) return String.format("%.2fG", v / 1e9);
        if (v >= 1e6) return String.format("%.2fM", v / 1e6);
        if (v >= 1e3) return String.format("%.1fk", v / 1e3);
        return String.format("%.0f", v);
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static java.util.Map<String, String> kafkaProperties(Path file) {
        if (file == null) return java.util.Map.of();
        if (!Files.isRegularFile(file)) throw new UserError("--kafka-properties: no such file: " + file);
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new UserError("--kafka-properties: cannot read " + file + ": " + e.getMessage());
        }
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    static List<String> topics(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
