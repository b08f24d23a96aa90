package io.engramstream.ops.demo;

import io.engramstream.placement.RowStats;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsSummary;

/**
 * The statistics the demo places from when the job did not publish them itself: a published
 * statistics set as placement input, scores at the set's publication time.
 */
final class DemoStats {
    private DemoStats() {}

    /** Rows with scores normalised to the publication time {@code clock.clockNow()}. */
    static RowStats rowStats(RowStatsColumns rows, StatsSummary clock) {
        return rowStats(rows, clock.clockNow(), clock.lambda());
    }

    static RowStats rowStats(RowStatsColumns rows, long now, double lambda) {
        return io.engramstream.placement.StatsSnapshotPublisher.rowStats(rows, now, lambda);
    }
}
