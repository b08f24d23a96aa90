package io.engramstream.placement;

import io.engramstream.snapshot.CoverageCurve;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-scale histograms of row scores, one set per budget group, mergeable across shards: the
 * first step of selecting rows globally without gathering them. Per group it counts rows by
 * their effective hot-tier score and effective warm-tier score (the score with the residency
 * bonus of {@link PlacementOptions#hysteresis()}), and keeps count and score sum by raw score for
 * the coverage curve.
 *
 * <p>Buckets are the top 16 bits of the IEEE-754 double (sign, exponent and 4 mantissa bits):
 * exactly monotone in the score, 16 buckets per power of two (at most 6.25% wide), 32768 in all,
 * computed with one shift (no logarithm). Score 0 falls into bucket 0. Adding a row allocates
 * nothing.
 */
public final class ScoreHistogram implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Number of buckets per histogram. */
    public static final int BUCKETS = 1 << 15;

    private final int groups;
    private final long[][] hot;
    private final long[][] warm;
    private final long[][] rows;
    private final double[][] scoreSum;

    public ScoreHistogram(int groups) {
        if (groups <= 0) throw new IllegalArgumentException("groups must be positive");
        this.groups = groups;
        hot = new long[groups][BUCKETS];
        warm = new long[groups][BUCKETS];
        rows = new long[groups][BUCKETS];
        scoreSum = new double[groups][BUCKETS];
    }

    public int groups() { return groups; }

    /** The bucket of a score; negative, zero and NaN scores go to bucket 0. */
    public static int bucket(double score) {
        if (!(score > 0)) return 0;
        return (int) (Double.doubleToRawLongBits(score) >>> 48);
    }

    /** The smallest score in a bucket. */
    public static double lowerEdge(int bucket) { return Double.longBitsToDouble((long) bucket << 48); }

    /** Counts a row that takes part in score ranking (not pinned). */
    public void addRanked(int group, double effectiveHot, double effectiveWarm) {
        hot[group][bucket(effectiveHot)]++;
        warm[group][bucket(effectiveWarm)]++;
    }

    /** Counts a row's raw score for the coverage curve (every row with statistics, pinned or not). */
    public void addCoverage(int group, double score) {
        int b = bucket(score);
        rows[group][b]++;
        if (score > 0) scoreSum[group][b] += score;
    }

    /** Adds another shard's counts into this one. */
    public ScoreHistogram merge(ScoreHistogram o) {
        if (o.groups != groups) throw new IllegalArgumentException("histograms of " + groups + " and " + o.groups + " groups");
        for (int g = 0; g < groups; g++) {
            for (int b = 0; b < BUCKETS; b++) {
                hot[g][b] += o.hot[g][b];
                warm[g][b] += o.warm[g][b];
                rows[g][b] += o.rows[g][b];
                scoreSum[g][b] += o.scoreSum[g][b];
            }
        }
        return this;
    }

    /** Ranked rows in a group. */
    public long rankedRows(int group) { long n = 0; for (long c : hot[group]) n += c; return n; }

    /** Rows with statistics in a group. */
    public long rows(int group) { long n = 0; for (long c : rows[group]) n += c; return n; }

    /**
     * A threshold such that at least {@code k} ranked rows of the group have effective hot score
     * at or above it (the lower edge of the bucket where the count from the top reaches k):
     * {@code +Infinity} for k = 0, 0 when the group has k rows or fewer.
     */
    public double hotThreshold(int group, long k) { return threshold(hot[group], k); }

    /** As {@link #hotThreshold} for effective warm scores and k = hot + warm rows. */
    public double warmThreshold(int group, long k) { return threshold(warm[group], k); }

    private static double threshold(long[] h, long k) {
        if (k <= 0) return Double.POSITIVE_INFINITY;
        long acc = 0;
        for (int b = BUCKETS - 1; b > 0; b--) {
            acc += h[b];
            if (acc >= k) return lowerEdge(b);
        }
        return 0;
    }

    /** Ranked rows of a group whose effective hot score is at least {@code threshold} (an upper bound on hot candidates). */
    public long hotCandidates(int group, double threshold) { return atOrAbove(hot[group], threshold); }

    public long warmCandidates(int group, double threshold) { return atOrAbove(warm[group], threshold); }

    private static long atOrAbove(long[] h, double t) {
        if (t == Double.POSITIVE_INFINITY) return 0;
        long n = 0;
        for (int b = bucket(t); b < BUCKETS; b++) n += h[b];
        return n;
    }

    /**
     * The coverage curve over all groups: for K = 1, 2, 4, ... and {@code tableRows}, the share of
     * total score that the K highest-scored rows hold (scores inside a bucket are taken as equal
     * to the bucket's mean, so the curve is exact up to bucket resolution). With scores that are
     * decayed lookup counts, that is the share of recent lookups a hot tier of K rows serves.
     */
    public CoverageCurve coverage(long tableRows, int bytesPerRow) {
        long[] n = new long[BUCKETS];
        double[] s = new double[BUCKETS];
        double total = 0;
        for (int g = 0; g < groups; g++)
            for (int b = 0; b < BUCKETS; b++) { n[b] += rows[g][b]; s[b] += scoreSum[g][b]; total += scoreSum[g][b]; }
        List<CoverageCurve.Point> pts = new ArrayList<>();
        if (tableRows <= 0) return new CoverageCurve(pts);
        int b = BUCKETS - 1;
        long takenRows = 0;      // rows of the buckets above b, all taken
        double takenScore = 0;
        long k = 1;
        while (true) {
            while (b > 0 && takenRows + n[b] <= k) { takenRows += n[b]; takenScore += s[b]; b--; }
            double partial = b > 0 && n[b] > 0 && k > takenRows ? (k - takenRows) * (s[b] / n[b]) : 0;
            double share = total > 0 ? Math.min(1.0, (takenScore + partial) / total) : 0;
            pts.add(new CoverageCurve.Point(k, k * bytesPerRow, share));
            if (k >= tableRows) break;
            k = Math.min(k * 2, tableRows);
        }
        return new CoverageCurve(pts);
    }

    /** Compact encoding (non-empty buckets only) for sending between tasks. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(groups);
            for (int g = 0; g < groups; g++) {
                writeSparse(out, hot[g]);
                writeSparse(out, warm[g]);
                int nz = 0;
                for (int b = 0; b < BUCKETS; b++) if (rows[g][b] != 0) nz++;
                out.writeInt(nz);
                for (int b = 0; b < BUCKETS; b++) if (rows[g][b] != 0) { out.writeShort(b); out.writeLong(rows[g][b]); out.writeDouble(scoreSum[g][b]); }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ScoreHistogram fromBytes(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            ScoreHistogram h = new ScoreHistogram(in.readInt());
            for (int g = 0; g < h.groups; g++) {
                readSparse(in, h.hot[g]);
                readSparse(in, h.warm[g]);
                int nz = in.readInt();
                for (int i = 0; i < nz; i++) { int b = in.readUnsignedShort(); h.rows[g][b] = in.readLong(); h.scoreSum[g][b] = in.readDouble(); }
            }
            return h;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt score histogram: " + e.getMessage(), e);
        }
    }

    // Java serialization (e.g. Flink's fallback) uses the compact form too.
    private Object writeReplace() { return new Compact(toBytes()); }

    private record Compact(byte[] data) implements Serializable {
        private Object readResolve() { return fromBytes(data); }
    }

    private static void writeSparse(DataOutputStream out, long[] h) throws IOException {
        int nz = 0;
        for (long c : h) if (c != 0) nz++;
        out.writeInt(nz);
        for (int b = 0; b < BUCKETS; b++) if (h[b] != 0) { out.writeShort(b); out.writeLong(h[b]); }
    }

    private static void readSparse(DataInputStream in, long[] h) throws IOException {
        int nz = in.readInt();
        for (int i = 0; i < nz; i++) { int b = in.readUnsignedShort(); h[b] = in.readLong(); }
    }
}
