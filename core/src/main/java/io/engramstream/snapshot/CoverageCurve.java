package io.engramstream.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.List;

/**
 * The sizing curve: {@code share} of recent lookups that a hot tier holding the {@code rows}
 * highest-scored rows would serve, at rows = 1, 2, 4, ... up to the table size (the last point
 * is the table size itself). Non-decreasing in rows, in [0, 1].
 */
public record CoverageCurve(List<Point> points) implements Serializable {

    /** One point: a hot tier of {@code rows} rows ({@code bytes} at the spec's row size) serves {@code share}. */
    public record Point(long rows, long bytes, double share) implements Serializable {
        @JsonCreator
        public Point(@JsonProperty("rows") long rows, @JsonProperty("bytes") long bytes, @JsonProperty("share") double share) {
            this.rows = rows; this.bytes = bytes; this.share = share;
        }
    }

    public static final CoverageCurve EMPTY = new CoverageCurve(List.of());

    @JsonCreator
    public CoverageCurve(@JsonProperty("points") List<Point> points) {
        this.points = points == null ? List.of() : List.copyOf(points);
    }

    /** The share served by the largest point with at most {@code rows} rows (0 when none). */
    public double shareAt(long rows) {
        double s = 0;
        for (Point p : points) if (p.rows() <= rows) s = p.share(); else break;
        return s;
    }

    /** The share at {@code rows}, interpolated linearly in log2(rows) between listed points. */
    public double interpolate(long rows) {
        if (points.isEmpty() || rows <= 0) return 0;
        Point prev = null;
        for (Point p : points) {
            if (p.rows() == rows) return p.share();
            if (p.rows() > rows) {
                if (prev == null) return p.share() * rows / p.rows();
                double f = (Math.log(rows) - Math.log(prev.rows())) / (Math.log(p.rows()) - Math.log(prev.rows()));
                return prev.share() + f * (p.share() - prev.share());
            }
            prev = p;
        }
        return prev.share();
    }

    /** Smallest listed row count whose share reaches {@code target}, or -1. */
    public long rowsFor(double target) {
        for (Point p : points) if (p.share() >= target) return p.rows();
        return -1;
    }
}
