package io.engramstream.placement;

import io.engramstream.config.EngramConfig;
import io.engramstream.config.EngramOption;
import io.engramstream.snapshot.PendingSnapshot;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotOptions;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Turns one complete statistics publication (what the statistics job makes visible after the
 * checkpoint that holds it completes, or at the end of a bounded input) into a snapshot: plan
 * the tiers within the byte budgets against the placement in force, then publish through the
 * two-phase {@link SnapshotDirectory}. Every publication becomes at most one snapshot, whichever
 * subtask or process asks first: a file lock in the snapshot directory serializes publishers and
 * the newest manifest records which statistics it reflects.
 */
public final class StatsSnapshotPublisher {
    /** Every option this publisher reads, for {@code --help} and the configuration reference. */
    public static final List<EngramOption<?>> OPTIONS = List.of(
            PlacementOptions.HOT_BYTES, PlacementOptions.WARM_BYTES, PlacementOptions.HYSTERESIS,
            PlacementOptions.MAX_PROMOTIONS, SnapshotOptions.KEEP, SnapshotOptions.COMPRESSION, SnapshotOptions.DELTAS);

    private static final String SOURCE_PREFIX = "statistics ";
    /** FileChannel locks are per process; this serializes the threads of one process first. */
    private static final Object PROCESS_LOCK = new Object();

    private StatsSnapshotPublisher() {}

    /**
     * Publishes a snapshot of the statistics publication {@code tag} under {@code statsOut} into
     * {@code snapshotDir}, unless the newest snapshot there already reflects it.
     *
     * @return the new snapshot's manifest, or empty when it was already published
     */
    public static Optional<SnapshotManifest> publishOnce(Path statsOut, String tag, Path snapshotDir, EngramConfig config)
            throws IOException {
        Files.createDirectories(snapshotDir);
        synchronized (PROCESS_LOCK) {
            try (FileChannel lockFile = FileChannel.open(snapshotDir.resolve(".publish.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                SnapshotDirectory directory = new SnapshotDirectory(snapshotDir, config.get(SnapshotOptions.KEEP));
                String source = SOURCE_PREFIX + tag;
                Optional<SnapshotManifest> latest = directory.latest();
                if (latest.isPresent() && source.equals(latest.get().source().description())) return Optional.empty();
                return Optional.of(publish(StatsDirectory.root(statsOut).resolve(tag), source, directory, config));
            }
        }
    }

    private static SnapshotManifest publish(Path publication, String source, SnapshotDirectory directory, EngramConfig config)
            throws IOException {
        StatsSummary summary = StatsDirectory.readSummary(publication);
        EngramSpec spec = EngramSpec.parse(summary.specJson(), false, publication.resolve("summary.json").toString());
        RowLayout layout = RowLayout.of(spec);
        RowStats stats = rowStats(StatsDirectory.readRows(publication), summary.clockNow(), summary.lambda());
        TierBudgets budgets = TierBudgets.global(spec.bytesPerRow(), config.get(PlacementOptions.HOT_BYTES),
                config.get(PlacementOptions.WARM_BYTES));
        PlacementPublisher publisher = new PlacementPublisher(directory, layout, spec.fingerprint(),
                summary.canonicalMapFingerprint(), SnapshotOptions.writeOptions(config), config.get(SnapshotOptions.DELTAS));
        PlacementResult result = PlacementPlanner.plan(stats, publisher.current(), budgets, PlacementOptions.from(config), layout);
        PendingSnapshot pending = publisher.prepare(result, publisher.nextVersion(),
                SourcePosition.ofTokens(summary.tokens(), source), System.currentTimeMillis());
        return publisher.commit(pending);
    }

    /** Rows of a statistics publication with their decayed scores brought to the clock {@code now}. */
    public static RowStats rowStats(RowStatsColumns rows, long now, double lambda) {
        int n = rows.size();
        long[] keys = new long[n], counts = new long[n], last = new long[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            keys[i] = rows.key(i);
            counts[i] = rows.count(i);
            last[i] = rows.last(i);
            scores[i] = rows.scoreAt(i, now, lambda);
        }
        return new RowStats(n, keys, scores, counts, last);
    }
}
