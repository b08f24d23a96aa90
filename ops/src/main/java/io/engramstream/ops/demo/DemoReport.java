package io.engramstream.ops.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.spec.EngramSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The demo's summary: a text table, {@code summary.json} and {@code index.html} (with the snapshot report's plots). */
final class DemoReport {
    private DemoReport() {}

    /** Share of all counted lookups that the hottest {@code rows} rows cover, from a snapshot's coverage curve. */
    static double coverage(SnapshotManifest m, long rows) {
        CoverageCurve c = m.coverage();
        return c == null || c.points().isEmpty() ? Double.NaN : c.interpolate(rows);
    }

    static List<String[]> rows(DemoResult r) {
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"path", r.mode});
        t.add(new String[] {"documents ingested", fmt(r.documents)});
        t.add(new String[] {"corpus tokens counted", fmt(r.corpusTokens)});
        t.add(new String[] {"corpus lookups counted", fmt(r.corpusLookups)});
        t.add(new String[] {"distinct rows (corpus)", fmt(r.corpusDistinctRows)});
        t.add(new String[] {"dead letters", fmt(r.deadLetters)});
        if (r.training != null) {
            DemoResult.Training tr = r.training;
            t.add(new String[] {"model", tr.result().config().toString()});
            t.add(new String[] {"training", String.format(Locale.ROOT, "%d steps on snapshot v%d, %.2f s/step, %,d row updates",
                    tr.result().step(), tr.snapshotVersion(), tr.result().secondsPerStep(), tr.result().rowsUpdated())});
            t.add(new String[] {"training loss", String.format(Locale.ROOT, "%.3f -> %.3f (held-out %.3f)", tr.firstLoss(), tr.lastLoss(),
                    tr.result().validLoss())});
        }
        t.add(new String[] {"requests served per round", r.rounds.isEmpty() ? "0" : fmt(r.rounds.get(0).requests)});
        t.add(new String[] {"tokens served in round 1 (prompt + generated)", fmt(r.servedTokens)});
        t.add(new String[] {"traffic tokens counted", fmt(r.trafficTokens)});
        t.add(new String[] {"traffic lookups counted", fmt(r.trafficLookups)});
        t.add(new String[] {"inference lookups in snapshot v2's statistics", fmt(r.mergedInferenceLookups)});
        t.add(new String[] {"distinct rows (corpus + traffic)", fmt(r.mergedDistinctRows)});
        for (SnapshotManifest m : r.snapshots) {
            t.add(new String[] {"snapshot v" + m.version() + " tiers", String.format(Locale.ROOT, "hot %,d rows, warm %,d rows (published by the job from %s)",
                    m.hotRows(), m.warmRows(), m.source().description())});
            t.add(new String[] {"snapshot v" + m.version() + " coverage", String.format(Locale.ROOT, "hot %.1f%%, hot+warm %.1f%% of counted lookups",
                    100 * coverage(m, m.hotRows()), 100 * coverage(m, m.hotRows() + m.warmRows()))});
            if (m.previousVersion() != null) {
                t.add(new String[] {"snapshot v" + m.version() + " churn", String.format(Locale.ROOT, "%d promotions, %d demotions", m.promotions(), m.demotions())});
            }
        }
        for (DemoResult.Round x : r.rounds) {
            t.add(new String[] {x.name + " requests", String.format(Locale.ROOT, "%d on snapshot v%s, %.1f req/s, %,d tokens generated",
                    x.requests, x.snapshot, x.requestsPerSecond(), x.generatedTokens)});
            t.add(new String[] {x.name + " lookups/s", String.format(Locale.ROOT, "%,.0f (%,d row lookups in %.2f s)", x.lookupsPerSecond(), x.lookups, x.seconds)});
            t.add(new String[] {x.name + " served by tier", String.format(Locale.ROOT, "hot %.1f%%, warm %.1f%%, cold %.1f%%",
                    100 * x.share("hot"), 100 * x.share("warm"), 100 * x.share("cold"))});
            t.add(new String[] {x.name + " latency/request", String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms", x.p50Micros / 1e3, x.p99Micros / 1e3)});
        }
        t.add(new String[] {"snapshot swaps / rejected", r.swaps + " / " + r.rejected});
        t.add(new String[] {"wall time", String.format(Locale.ROOT, "%.1f s", r.wallSeconds)});
        return t;
    }

    static String summaryTable(DemoResult r) {
        List<String[]> t = rows(r);
        int w = 0;
        for (String[] row : t) w = Math.max(w, row[0].length());
        StringBuilder sb = new StringBuilder("summary\n");
        for (String[] row : t) sb.append(String.format(Locale.ROOT, "  %-" + w + "s  %s%n", row[0], row[1]));
        return sb.toString();
    }

    static Path write(Path out, Path reportDir, DemoResult r, EngramSpec spec) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>engram demo</title><style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}img{max-width:100%}pre{background:#f6f6f6;padding:8px}")
                .append("</style></head><body>");
        h.append("<h1>engram demo</h1><p>spec ").append(esc(spec.fingerprint())).append(" (").append(esc(spec.describe())).append("), ")
                .append(esc(r.mode)).append(" path</p>");
        h.append("<h2>Summary</h2><table>");
        for (String[] row : rows(r)) h.append("<tr><th>").append(esc(row[0])).append("</th><td>").append(esc(row[1])).append("</td></tr>");
        h.append("</table><h2>Steps</h2><table><tr><th>step</th><th>seconds</th></tr>");
        for (DemoSteps.Timing s : r.steps) h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.1f</td></tr>", esc(s.name()), s.seconds()));
        h.append("</table>");
        if (r.training != null) {
            Path png = out.resolve("model").resolve("training-loss.png");
            List<io.engramstream.model.train.CurvePoint> c = r.training.result().curve();
            double[] x = new double[c.size()], y = new double[c.size()];
            for (int i = 0; i < c.size(); i++) {
                x[i] = c.get(i).step();
                y[i] = c.get(i).trainLoss();
            }
            new io.engramstream.model.train.LossPlot("Engram LM training on the tiered store (snapshot v" + r.training.snapshotVersion() + ")",
                    "step", "train loss").add(new io.engramstream.model.train.LossPlot.Series("train loss", java.awt.Color.BLUE, x, y,
                    io.engramstream.model.train.LossPlot.Style.DOTS)).write(png, 800, 400);
            h.append("<h2>Runtime: training</h2><p>").append(esc(r.training.describe())).append("</p><p><img src=\"")
                    .append(esc(out.relativize(png).toString())).append("\" alt=\"training loss\"></p>");
        }
        h.append("<h2>Runtime: served requests</h2>");
        for (DemoResult.Round x : r.rounds) {
            h.append("<p>").append(esc(x.describe())).append("</p><pre>").append(esc(x.sample)).append("</pre>");
        }
        h.append("<h2>Store</h2><pre>").append(esc(r.storeSummary)).append("</pre>");
        h.append("<h2>Snapshots</h2><p><a href=\"").append(esc(out.relativize(reportDir.resolve("index.html")).toString()))
                .append("\">snapshot report</a></p>");
        try (Stream<Path> s = Files.list(reportDir)) {
            for (Path png : s.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
                h.append("<p><img src=\"").append(esc(out.relativize(png).toString())).append("\" alt=\"").append(esc(png.getFileName().toString())).append("\"></p>");
            }
        }
        h.append("</body></html>\n");
        Path index = out.resolve("index.html");
        Files.writeString(index, h.toString(), StandardCharsets.UTF_8);
        return index;
    }

    static void writeJson(Path file, DemoResult r) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", r.mode);
        m.put("brokerPid", r.brokerPid);
        m.put("documents", r.documents);
        m.put("corpusTokens", r.corpusTokens);
        m.put("corpusLookups", r.corpusLookups);
        m.put("corpusDistinctRows", r.corpusDistinctRows);
        m.put("deadLetters", r.deadLetters);
        m.put("trafficRecords", r.trafficRecords);
        m.put("trafficTokens", r.trafficTokens);
        m.put("trafficLookups", r.trafficLookups);
        m.put("servedTokens", r.servedTokens);
        m.put("mergedDistinctRows", r.mergedDistinctRows);
        m.put("mergedInferenceLookups", r.mergedInferenceLookups);
        if (r.training != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("steps", r.training.result().step());
            t.put("snapshotVersion", r.training.snapshotVersion());
            t.put("model", r.training.result().config().toString());
            t.put("firstTrainLoss", r.training.firstLoss());
            t.put("lastTrainLoss", r.training.lastLoss());
            t.put("validLoss", r.training.result().validLoss());
            t.put("secondsPerStep", r.training.result().secondsPerStep());
            t.put("rowsUpdated", r.training.result().rowsUpdated());
            t.put("seconds", r.training.seconds());
            m.put("training", t);
        }
        List<Map<String, Object>> snaps = new ArrayList<>();
        for (SnapshotManifest s : r.snapshots) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("version", s.version());
            x.put("hotRows", s.hotRows());
            x.put("warmRows", s.warmRows());
            x.put("promotions", s.promotions());
            x.put("demotions", s.demotions());
            x.put("hotCoverage", coverage(s, s.hotRows()));
            x.put("hotWarmCoverage", coverage(s, s.hotRows() + s.warmRows()));
            x.put("file", s.file());
            x.put("sha256", s.sha256());
            snaps.add(x);
        }
        m.put("snapshots", snaps);
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (DemoResult.Round x : r.rounds) {
            Map<String, Object> y = new LinkedHashMap<>();
            y.put("name", x.name);
            y.put("snapshot", x.snapshot);
            y.put("requests", x.requests);
            y.put("requestsPerSecond", x.requestsPerSecond());
            y.put("generatedTokens", x.generatedTokens);
            y.put("servedTokens", x.served.stream().mapToLong(DemoRuntime.Served::tokens).sum());
            List<Long> versions = new ArrayList<>();
            for (DemoRuntime.Served sv : x.served) versions.add(sv.snapshot());
            y.put("answerSnapshotVersions", versions);
            y.put("sample", x.sample);
            y.put("rowLookups", x.lookups);
            y.put("seconds", x.seconds);
            y.put("lookupsPerSecond", x.lookupsPerSecond());
            y.put("servedByTier", x.servedByTier);
            y.put("p50Micros", x.p50Micros);
            y.put("p99Micros", x.p99Micros);
            rounds.add(y);
        }
        m.put("rounds", rounds);
        m.put("swaps", r.swaps);
        m.put("rejectedSnapshots", r.rejected);
        Map<String, Double> steps = new LinkedHashMap<>();
        for (DemoSteps.Timing s : r.steps) steps.put(s.name(), s.seconds());
        m.put("stepSeconds", steps);
        m.put("wallSeconds", r.wallSeconds);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), m);
    }

    private static String fmt(long v) { return String.format(Locale.ROOT, "%,d", v); }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
