package io.engramstream.stats.job;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps the job's own metrics in memory, so {@code engram run} and
 * {@code engram bench stats} can show progress of a job on the in-process MiniCluster through
 * Flink's metric system (the same metrics any reporter, e.g. Prometheus, sees on a cluster).
 */
public final class ProgressReporter implements MetricReporter {
    public static final String NAME = "engram_progress";
    private static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

    @Override public void open(MetricConfig config) {}

    @Override public void close() {}

    @Override public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (interesting(name)) METRICS.put(group.getMetricIdentifier(name), metric);
    }

    @Override public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        METRICS.remove(group.getMetricIdentifier(name), metric);
    }

    private static boolean interesting(String name) {
        return switch (name) {
            case "tokens", "lookups", "deadLetters", "distinctRows", "stateSizeBytes", "topKShare", "deltaRows",
                 "numberOfCompletedCheckpoints", "numberOfFailedCheckpoints", "lastCheckpointSize",
                 "lastCheckpointDuration", "numRestarts", "publicationFailures" -> true;
            default -> false;
        };
    }

    /** Job-wide values summed (or averaged, for shares) over subtasks. */
    public record Snapshot(long tokens, long lookups, long deadLetters, long distinctRows, long stateBytes, double topKShare,
                           long checkpoints, long lastCheckpointBytes, long lastCheckpointMillis, long restarts, long publicationFailures) {}

    public static Snapshot snapshot() {
        long tokens = 0, lookups = 0, dead = 0, rows = 0, bytes = 0, cps = 0, cpBytes = 0, cpMillis = 0, restarts = 0, pubFailures = 0;
        double share = 0;
        int shares = 0;
        for (Map.Entry<String, Metric> e : METRICS.entrySet()) {
            String id = e.getKey();
            String name = id.substring(id.lastIndexOf('.') + 1);
            long v = value(e.getValue());
            switch (name) {
                case "tokens" -> tokens += v;
                case "lookups" -> lookups += v;
                case "deadLetters" -> dead += v;
                case "distinctRows" -> rows += v;
                case "stateSizeBytes" -> bytes += v;
                case "numberOfCompletedCheckpoints" -> cps = Math.max(cps, v);
                case "lastCheckpointSize" -> cpBytes = Math.max(cpBytes, v);
                case "lastCheckpointDuration" -> cpMillis = Math.max(cpMillis, v);
                case "numRestarts" -> restarts = Math.max(restarts, v);
                case "publicationFailures" -> pubFailures += v;
                case "topKShare" -> {
                    if (e.getValue() instanceof Gauge<?> g && g.getValue() instanceof Number n && n.doubleValue() > 0) {
                        share += n.doubleValue();
                        shares++;
                    }
                }
                default -> { }
            }
        }
        return new Snapshot(tokens, lookups, dead, rows, bytes, shares == 0 ? 0 : share / shares, cps, cpBytes, cpMillis, restarts, pubFailures);
    }

    private static long value(Metric m) {
        if (m instanceof Counter c) return c.getCount();
        if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) return n.longValue();
        return 0;
    }

    public static final class Factory implements MetricReporterFactory {
        @Override public MetricReporter createMetricReporter(Properties properties) { return new ProgressReporter(); }
    }
}
