package io.engramstream.model.serve;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.config.EngramOption;
import io.engramstream.model.EngineThreads;
import io.engramstream.model.metrics.MetricsServer;
import io.engramstream.model.metrics.RuntimeMetrics;
import io.engramstream.model.memory.TableKind;
import io.engramstream.model.train.TableSetup;
import io.engramstream.store.ManifestTopicFollower;
import io.engramstream.store.SnapshotFollower;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code engram serve}: answers InferenceRequests from Kafka with a trained checkpoint, publishing responses and served traffic. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a checkpoint of `engram train` over Kafka: consumes InferenceRequest, answers in batches",
                "(top-k next tokens, generated tokens, per-tier lookups, latency) on InferenceResponse, publishes what it",
                "served to InferenceTraffic for the statistics job, and follows new hot-set snapshots while serving.",
                "Prints requests/s, p50/p99 latency and the hot-tier hit rate every --metrics-every."})
public final class ServeCommand implements EngramCommand, Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "Checkpoint directory written by `engram train`.")
    Path checkpoint;

    @Mixin KafkaClientOptions kafka;

    @Option(names = "--table", defaultValue = "tiered", paramLabel = "flat|tiered",
            description = "Table backing: tiered (hot/warm/cold store) or flat (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--table-dir", paramLabel = "DIR", description = "Where the tiered store's cold table file is created (default: a temp dir).")
    Path tableDir;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Snapshot directory to place the store from and follow (LATEST).")
    Path snapshots;

    @Option(names = "--follow-interval", defaultValue = "2s", paramLabel = "DURATION", description = "How often to poll --snapshots (default: ${DEFAULT-VALUE}).")
    String followInterval;

    @Option(names = "--follow-manifests", description = "Also follow the snapshot-manifest topic (files resolved in --snapshots).")
    boolean followManifests;

    @Option(names = "--max-batch", defaultValue = "16", paramLabel = "N", description = "Requests per forward pass (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-new-tokens", defaultValue = "64", paramLabel = "N", description = "Largest maxNewTokens a request may ask for (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--group", defaultValue = "engram-serve", paramLabel = "ID", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "PyTorch intra-op threads (0: keep the JVM setting).")
    int threads;

    @Option(names = "--metrics-every", defaultValue = "10s", paramLabel = "DURATION", description = "Metrics line interval (default: ${DEFAULT-VALUE}).")
    String metricsEvery;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Expose the runtime's metrics (store tiers, snapshot version, swaps, serving) in the Prometheus format at "
                    + "http://HOST:PORT/metrics (0: any free port, printed; default: off).")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "Address the metrics endpoint binds (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--max-requests", defaultValue = "0", paramLabel = "N", description = "Stop after answering this many requests (0: run until stopped).")
    long maxRequests;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (default: run until stopped).")
    String duration;

    @Override
    public Integer call() throws Exception {
        EngineThreads.use(threads);
        TableKind kind = switch (table.toLowerCase(Locale.ROOT)) {
            case "flat" -> TableKind.FLAT;
            case "tiered" -> TableKind.TIERED;
            default -> throw new UserError("--table must be flat or tiered, got '" + table + "'");
        };
        if (kind == TableKind.FLAT && snapshots != null) throw new UserError("--snapshots places a tiered table; use --table tiered");
        if (maxBatch < 1) throw new UserError("--max-batch must be at least 1");
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) throw new UserError("--metrics-port must be in [0, 65535], got " + metricsPort);
        Duration follow = duration("--follow-interval", followInterval);
        Duration every = duration("--metrics-every", metricsEvery);
        Properties props = kafka.clientProperties();
        ServeLoop.Settings settings = ServeLoop.Settings.defaults().withBatching(maxBatch, maxNewTokens).withGroup(group);
        try (ServingModel model = ServingModel.open(checkpoint, new TableSetup(kind, tableDir, 0, 0, null), System.out::println)) {
            SnapshotFollower follower = null;
            ManifestTopicFollower manifests = null;
            TieredEmbeddingStore store = model.store().orElse(null);
            if (store != null && (snapshots != null || followManifests)) {
                follower = new SnapshotFollower(store, snapshots);
                if (snapshots != null) follower.start(follow);
                if (followManifests) manifests = new ManifestTopicFollower(store, follower, props, TopicCatalog.SNAPSHOT_MANIFESTS).start();
            }
            ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "engram-serve-metrics");
                t.setDaemon(true);
                return t;
            });
            MetricsServer metricsServer = null;
            try (ServeLoop loop = new ServeLoop(model, props, settings, System.out::println)) {
                if (metricsPort != null) {
                    RuntimeMetrics rm = new RuntimeMetrics().store(store).serve(loop.metrics());
                    metricsServer = MetricsServer.start(metricsHost, metricsPort, rm::render);
                    System.out.println("metrics: http://" + metricsHost + ":" + metricsServer.port() + "/metrics (Prometheus text format)");
                }
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration("--duration", duration).toNanos();
                Thread main = Thread.currentThread();
                Thread hook = new Thread(loop::stop, "engram-serve-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                reporter.scheduleAtFixedRate(() -> System.out.println(line(loop.metrics(), model)), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
                System.out.println("serving " + settings.requestsTopic() + " -> " + settings.responsesTopic() + " + " + settings.trafficTopic()
                        + " (group " + group + ", batches of " + maxBatch + ")");
                while (System.nanoTime() < deadline && (maxRequests <= 0 || loop.metrics().answered() < maxRequests) && !main.isInterrupted()) {
                    loop.pollOnce();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: we are stopping anyway
                }
                System.out.println(line(loop.metrics(), model));
            } finally {
                if (metricsServer != null) metricsServer.close();
                reporter.shutdownNow();
                if (manifests != null) manifests.close();
                if (follower != null) follower.close();
            }
        }
        return 0;
    }

    private static Duration duration(String flag, String text) {
        Duration d = EngramOption.duration(flag, null, "").parse(text);
        if (d.isNegative() || d.isZero()) throw new UserError(flag + " must be positive, got " + text);
        return d;
    }

    private static String line(ServeMetrics m, ServingModel model) {
        Long v = model.snapshotVersion();
        return m.report() + (v == null ? "" : ", snapshot " + v);
    }
}
