package io.engramstream.ops.bench;

import io.engramstream.bench.BenchmarkResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders headline rows of every benchmark as one Markdown table (readable as plain text too). */
final class BenchmarkTable {
    private BenchmarkTable() {}

    /** A benchmark that did not produce its rows: shown as a row saying why. */
    record Failure(String benchmark, String reason) {}

    static List<String> render(List<BenchmarkResult> rows, List<Failure> failures) {
        List<String> out = new ArrayList<>();
        out.add("| benchmark | metric | value | unit | baseline (same run) | baseline value | ratio | goal | met |");
        out.add("|---|---|---:|---|---|---:|---:|---|---|");
        for (BenchmarkResult r : rows) {
            double ratio = r.ratio();
            out.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", r.benchmark(), cell(r.metric()),
                    BenchmarkResult.format(r.value()), r.unit(), cell(r.baseline()), BenchmarkResult.format(r.baselineValue()),
                    Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2fx", ratio), cell(r.goal()),
                    r.pass() == null ? "" : r.pass() ? "yes" : "**no**"));
        }
        for (Failure f : failures) {
            out.add(String.format(Locale.ROOT, "| %s | **did not finish**: %s |  |  |  |  |  |  |  |", f.benchmark(), cell(f.reason())));
        }
        out.add("");
        out.add("ratio: how many times better than the baseline (value/baseline for rates, baseline/value for times and sizes).");
        return out;
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
