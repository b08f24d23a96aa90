package io.engramstream.ops.demo;

import io.engramstream.placement.RowStats;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsSummary;

/**
 * The statistics the demo places from. The traffic is counted by a second bounded run of the job
 * (a finished bounded job cannot be resumed); its rows are added to the corpus run's here: counts
 * per source add up, scores are brought to one publication time, and the traffic's clock (tokens)
 * continues after the corpus's.
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

    /** Corpus and traffic rows (each sorted by key) as one sorted set at time corpusNow + trafficNow. */
    static Merged merge(RowStatsColumns corpus, StatsSummary corpusClock, RowStatsColumns traffic, StatsSummary trafficClock) {
        if (!corpus.isSortedByKey() || !traffic.isSortedByKey()) throw new IllegalArgumentException("rows must be sorted by key");
        long shift = corpusClock.clockNow();
        long now = shift + trafficClock.clockNow();
        double lc = corpusClock.lambda(), lt = trafficClock.lambda();
        RowStatsColumns out = new RowStatsColumns(corpus.size() + traffic.size());
        int i = 0, j = 0;
        while (i < corpus.size() || j < traffic.size()) {
            long ki = i < corpus.size() ? corpus.key(i) : Long.MAX_VALUE;
            long kj = j < traffic.size() ? traffic.key(j) : Long.MAX_VALUE;
            if (ki < kj) {
                out.add(ki, corpus.corpus(i), corpus.inference(i), corpus.scoreAt(i, now, lc), corpus.last(i));
                i++;
            } else if (kj < ki) {
                out.add(kj, traffic.corpus(j), traffic.inference(j), traffic.scoreAt(j, trafficClock.clockNow(), lt), shift + traffic.last(j));
                j++;
            } else {
                out.add(ki, corpus.corpus(i) + traffic.corpus(j), corpus.inference(i) + traffic.inference(j),
                        corpus.scoreAt(i, now, lc) + traffic.scoreAt(j, trafficClock.clockNow(), lt), shift + traffic.last(j));
                i++;
                j++;
            }
        }
        return new Merged(out, now);
    }

    /** Merged rows whose scores are already at {@code now} (score at last access = score at now is kept as is). */
    record Merged(RowStatsColumns rows, long now) {
        int size() { return rows.size(); }

        /** Sum of the inference counts of every row: the traffic's lookups as the statistics hold them. */
        long inferenceLookups() {
            long s = 0;
            for (int i = 0; i < rows.size(); i++) s += rows.inference(i);
            return s;
        }

        RowStats rowStats() {
            int n = rows.size();
            long[] keys = new long[n], counts = new long[n], last = new long[n];
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                keys[i] = rows.key(i);
                counts[i] = rows.count(i);
                last[i] = rows.last(i);
                scores[i] = rows.scoreAtLast(i);
            }
            return new RowStats(n, keys, scores, counts, last);
        }
    }
}
