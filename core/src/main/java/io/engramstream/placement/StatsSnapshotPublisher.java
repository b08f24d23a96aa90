package io.engramstream.placement;

import io.engramstream.config.EngramConfig;
import io.engramstream.config.EngramOption;
import io.engramstream.snapshot.ManifestOutbox;
import io.engramstream.snapshot.ManifestSink;
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
 * the newest manifest records which statistics it reflects. Planning streams the part files
 * ({@link StreamingPlanner}): memory follows the budgets, not the table. With a
 * {@link ManifestSink}, {@code LATEST} is also announced (on the manifest topic), crash-safe through
 * the {@link ManifestOutbox}.
 */
public final class StatsSnapshotPublisher {
    /** Every option this publisher reads, for {@code --help} and the configuration reference. */
    public static final List<EngramOption<?>> OPTIONS = List.of(
            PlacementOptions.HOT_BYTES, PlacementOptions.WARM_BYTES, PlacementOptions.HYSTERESIS,
            PlacementOptions.MAX_PROMOTIONS, SnapshotOptions.KEEP, SnapshotOptions.COMPRESSION, SnapshotOptions.DELTAS);

    private static final String SOURCE_PREFIX = "statistics ";
    private static final String RUN_INFIX = " run ";

    /** The snapshot source description of statistics {@code tag} of run {@code runId}: "statistics TAG[ run ID]". */
    public static String source(String tag, long runId) {
        return SOURCE_PREFIX + tag + (runId == 0 ? "" : RUN_INFIX + runId);
    }
    /** FileChannel locks are per process; this serializes the threads of one process first. */
    private static final Object PROCESS_LOCK = new Object();

    private StatsSnapshotPublisher() {}

    /** Test hook: called at each step of a publication (a crash test throws from it). */
    public interface Steps {
        Steps NONE = step -> {};

        /**
         * {@code step}: "prepared" (files written under temporary names), "committed" (renamed, LATEST
         * written), "sent" (the sink accepted the manifest; the outbox marker is not written yet).
         */
        void reached(String step) throws IOException;
    }

    /**
     * Publishes a snapshot of the statistics publication {@code tag} under {@code statsOut} into
     * {@code snapshotDir}, unless the newest snapshot there already reflects it (or newer statistics).
     *
     * @return the new snapshot's manifest, or empty when it was already published
     */
    public static Optional<SnapshotManifest> publishOnce(Path statsOut, String tag, Path snapshotDir, EngramConfig config)
            throws IOException {
        return publishOnce(statsOut, tag, 0, snapshotDir, config, null, Steps.NONE);
    }

    /**
     * As {@link #publishOnce(Path, String, Path, EngramConfig)}, then, still under the directory's
     * lock, announces {@code LATEST} on {@code sink} (if not null) when it was not sent yet (see
     * {@link ManifestOutbox}): also when this call published nothing, so that a publisher that
     * crashed between its rename and its send is caught up by the next attempt of any subtask.
     * Leftovers of a crashed publication (temporary files, files no manifest names) are removed first.
     */
    public static Optional<SnapshotManifest> publishOnce(Path statsOut, String tag, Path snapshotDir, EngramConfig config,
                                                         ManifestSink sink, Steps steps) throws IOException {
        return publishOnce(statsOut, tag, 0, snapshotDir, config, sink, steps);
    }

    /**
     * As above, for statistics of run {@code runId} (0: none): the statistics of a later run (a
     * larger id, e.g. its start time) are newer than any of an earlier run's, whatever their tags, so
     * a second bounded run into the same snapshot directory publishes its {@code final} statistics.
     */
    public static Optional<SnapshotManifest> publishOnce(Path statsOut, String tag, long runId, Path snapshotDir, EngramConfig config,
                                                         ManifestSink sink, Steps steps) throws IOException {
        Files.createDirectories(snapshotDir);
        synchronized (PROCESS_LOCK) {
            try (FileChannel lockFile = FileChannel.open(snapshotDir.resolve(".publish.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                SnapshotDirectory directory = new SnapshotDirectory(snapshotDir, config.get(SnapshotOptions.KEEP));
                directory.recover(List.of());
                Optional<SnapshotManifest> published = Optional.empty();
                Optional<SnapshotManifest> latest = directory.latest();
                if (latest.isEmpty() || isNewer(tag, runId, latest.get().source().description())) {
                    published = Optional.of(publish(StatsDirectory.root(statsOut).resolve(tag), source(tag, runId), directory,
                            config, steps));
                }
                if (sink != null) ManifestOutbox.sendLatestIfBehind(directory, observed(sink, steps));
                return published;
            }
        }
    }

    /**
     * Sends {@code LATEST} on {@code sink} if it was not sent yet, under the directory's lock: what a
     * job does when it (re)starts, so a manifest lost to a crash after the rename reaches the topic.
     */
    public static Optional<SnapshotManifest> sendLatestIfBehind(Path snapshotDir, int keepVersions, ManifestSink sink) throws IOException {
        if (!Files.isDirectory(snapshotDir)) return Optional.empty();
        synchronized (PROCESS_LOCK) {
            try (FileChannel lockFile = FileChannel.open(snapshotDir.resolve(".publish.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                return ManifestOutbox.sendLatestIfBehind(new SnapshotDirectory(snapshotDir, keepVersions), sink);
            }
        }
    }

    private static ManifestSink observed(ManifestSink sink, Steps steps) {
        if (steps == Steps.NONE) return sink;
        return new ManifestSink() {
            @Override public String destination() { return sink.destination(); }
            @Override public void send(SnapshotManifest m) throws IOException {
                sink.send(m);
                steps.reached("sent");
            }
        };
    }

    /**
     * Whether statistics {@code tag} are newer than those a snapshot was made from ({@code source},
     * "statistics TAG[ run ID]"): a later run is newer; within a run, {@code final} is newest and
     * checkpoint tags order by id. Two subtasks can
     * complete two publications at once; the older one must not overwrite the newer placement.
     */
    static boolean isNewer(String tag, long runId, String source) {
        if (source == null || !source.startsWith(SOURCE_PREFIX)) return true;
        String old = source.substring(SOURCE_PREFIX.length());
        long oldRun = 0;
        int r = old.indexOf(RUN_INFIX);
        if (r >= 0) {
            try {
                oldRun = Long.parseLong(old.substring(r + RUN_INFIX.length()).trim());
            } catch (NumberFormatException e) {
                return true;
            }
            old = old.substring(0, r);
        }
        if (oldRun != runId) return runId > oldRun;
        if (old.equals(tag)) return false;
        if (tag.equals(StatsDirectory.FINAL_TAG)) return true;
        if (old.equals(StatsDirectory.FINAL_TAG)) return false;
        return tag.compareTo(old) > 0;
    }

    private static SnapshotManifest publish(Path publication, String source, SnapshotDirectory directory, EngramConfig config,
                                            Steps steps) throws IOException {
        StatsSummary summary = StatsDirectory.readSummary(publication);
        EngramSpec spec = EngramSpec.parse(summary.specJson(), false, publication.resolve("summary.json").toString());
        RowLayout layout = RowLayout.of(spec);
        TierBudgets budgets = budgets(spec, config);
        PlacementPublisher publisher = new PlacementPublisher(directory, layout, spec.fingerprint(),
                summary.canonicalMapFingerprint(), SnapshotOptions.writeOptions(config), config.get(SnapshotOptions.DELTAS));
        PlacementResult result = StreamingPlanner.plan(StatsDirectory.publicationParts(publication), summary.clockNow(),
                summary.lambda(), publisher.current(), budgets, PlacementOptions.from(config), layout.totalRows());
        PendingSnapshot pending = publisher.prepare(result, publisher.nextVersion(),
                SourcePosition.ofTokens(summary.tokens(), source), System.currentTimeMillis());
        steps.reached("prepared");
        SnapshotManifest m = publisher.commit(pending);
        steps.reached("committed");
        return m;
    }

    /**
     * The gather-all plan of a publication: every row read into memory, then {@link PlacementPlanner}
     * (what the publisher did before {@link StreamingPlanner}; kept as the baseline it is measured
     * and tested against).
     */
    public static PlacementResult planAllRows(Path publication, PreviousPlacement previous, EngramConfig config) throws IOException {
        StatsSummary summary = StatsDirectory.readSummary(publication);
        EngramSpec spec = EngramSpec.parse(summary.specJson(), false, publication.resolve("summary.json").toString());
        RowStats stats = rowStats(StatsDirectory.readRows(publication), summary.clockNow(), summary.lambda());
        TierBudgets budgets = budgets(spec, config);
        return PlacementPlanner.plan(stats, previous, budgets, PlacementOptions.from(config), RowLayout.of(spec));
    }

    /** The streaming plan of a publication (what {@link #publishOnce} publishes), for tests and benchmarks. */
    public static PlacementResult planStreaming(Path publication, PreviousPlacement previous, EngramConfig config) throws IOException {
        StatsSummary summary = StatsDirectory.readSummary(publication);
        EngramSpec spec = EngramSpec.parse(summary.specJson(), false, publication.resolve("summary.json").toString());
        TierBudgets budgets = budgets(spec, config);
        return StreamingPlanner.plan(StatsDirectory.publicationParts(publication), summary.clockNow(), summary.lambda(), previous,
                budgets, PlacementOptions.from(config), RowLayout.of(spec).totalRows());
    }

    /** The global byte budgets of the placement options, in rows of the spec's size. */
    private static TierBudgets budgets(EngramSpec spec, EngramConfig config) {
        return TierBudgets.global(spec.bytesPerRow(), config.get(PlacementOptions.HOT_BYTES), config.get(PlacementOptions.WARM_BYTES));
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
