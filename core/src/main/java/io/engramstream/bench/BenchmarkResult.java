package io.engramstream.bench;

import java.util.Locale;

/**
 * One headline figure of a benchmark and the baseline it was measured against in the same run,
 * as {@code engram bench all} tabulates it.
 *
 * @param benchmark     the benchmark ({@code hash}, {@code stats}, ...)
 * @param metric        what was measured, e.g. {@code NgramHasher.hash, ids/s per core}
 * @param value         the measured value (a median)
 * @param unit          unit of {@code value} and {@code baselineValue}, e.g. {@code M ids/s}, {@code ms}
 * @param baseline      name of the baseline, or empty when the figure stands alone
 * @param baselineValue the baseline's value in the same unit (NaN when there is none)
 * @param higherIsBetter whether a larger value is better (throughput) or worse (time, bytes)
 * @param goal          the goal as text (empty when none), e.g. {@code >= 4x numpy}
 * @param pass          whether the goal was met; null when there is no goal
 */
public record BenchmarkResult(String benchmark, String metric, double value, String unit, String baseline, double baselineValue,
                              boolean higherIsBetter, String goal, Boolean pass) {

    public BenchmarkResult {
        baseline = baseline == null ? "" : baseline;
        goal = goal == null ? "" : goal;
        unit = unit == null ? "" : unit;
    }

    /** A figure compared with a baseline, no goal. */
    public static BenchmarkResult vs(String benchmark, String metric, double value, String unit, String baseline, double baselineValue,
                                     boolean higherIsBetter) {
        return new BenchmarkResult(benchmark, metric, value, unit, baseline, baselineValue, higherIsBetter, "", null);
    }

    /** A figure on its own. */
    public static BenchmarkResult alone(String benchmark, String metric, double value, String unit, boolean higherIsBetter) {
        return new BenchmarkResult(benchmark, metric, value, unit, "", Double.NaN, higherIsBetter, "", null);
    }

    /** The same figure with a goal and whether it was met. */
    public BenchmarkResult withGoal(String goalText, boolean met) {
        return new BenchmarkResult(benchmark, metric, value, unit, baseline, baselineValue, higherIsBetter, goalText, met);
    }

    /** How many times better than the baseline (value/baseline, or baseline/value when lower is better); NaN without one. */
    public double ratio() {
        if (Double.isNaN(baselineValue) || baselineValue == 0 || value == 0) return Double.NaN;
        return higherIsBetter ? value / baselineValue : baselineValue / value;
    }

    /** {@code 1.23}, {@code 12.3}, {@code 1,234}: three significant figures for a table. */
    public static String format(double v) {
        if (Double.isNaN(v)) return "";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
