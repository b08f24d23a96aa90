package io.engramstream.snapshot;

import io.engramstream.plot.Chart;
import io.engramstream.plot.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders the sizing report of a snapshot directory: coverage against hot-tier bytes (from the
 * newest manifest, and the oldest retained one for comparison), tier occupancy and churn across
 * the retained versions, and a table of versions. Writes {@code index.html} and PNGs into a
 * folder.
 */
public final class SnapshotReport {
    private SnapshotReport() {}

    /** Writes the report for the manifests of {@code snapshotDir} into {@code outDir}; returns the HTML file. */
    public static Path write(Path snapshotDir, Path outDir) throws IOException {
        List<SnapshotManifest> all = new ArrayList<>(SnapshotDirectory.listManifests(snapshotDir));
        Optional<SnapshotManifest> latest = SnapshotDirectory.readLatest(snapshotDir);
        if (latest.isPresent() && all.stream().noneMatch(m -> m.version() == latest.get().version())) all.add(latest.get());
        if (all.isEmpty()) throw new IllegalArgumentException(snapshotDir + " holds no snapshot manifests (LATEST or snapshot-*.json)");
        Files.createDirectories(outDir);
        SnapshotManifest last = all.get(all.size() - 1);
        SnapshotManifest first = all.get(0);
        HtmlReport html = new HtmlReport("Engram hot-set snapshots: " + snapshotDir.getFileName());
        html.paragraph(String.format(Locale.ROOT, "%d version(s) retained, %d to %d; newest created %s; spec %s, canonical map %s.",
                all.size(), first.version(), last.version(), Instant.ofEpochMilli(last.createdAt()), last.specFingerprint(),
                last.canonicalMapFingerprint()));

        // Coverage vs hot-tier bytes.
        html.heading("Coverage: share of recent lookups served by a hot tier of a given size");
        if (!last.coverage().points().isEmpty()) {
            Chart c = Chart.line("Coverage vs hot-tier size").logX().yRange(0, 1).xLabel("hot-tier bytes")
                    .yLabel("share of recent lookups").xFormat(Chart::bytes);
            addCoverage(c, last);
            if (first != last && !first.coverage().points().isEmpty()) addCoverage(c, first);
            c.writePng(outDir.resolve("coverage.png"), 860, 420);
            html.image("coverage.png", "coverage curve");
            List<List<String>> rows = new ArrayList<>();
            for (double target : new double[]{0.5, 0.8, 0.9, 0.95, 0.99}) {
                CoverageCurve.Point p = last.coverage().points().stream().filter(x -> x.share() >= target).findFirst().orElse(null);
                rows.add(List.of(pct(target), p == null ? "more than the table" : String.format(Locale.ROOT, "%,d", p.rows()),
                        p == null ? "-" : Chart.bytes(p.bytes())));
            }
            String budget = last.budgets() == null ? "" : String.format(Locale.ROOT,
                    "; the configured hot budget is %s, holding %,d rows, which serve about %s of recent lookups",
                    Chart.bytes(last.budgets().getHotBytes()), last.hotRows(), pct(last.coverage().interpolate(last.hotRows())));
            html.paragraph("Smallest hot tier (a power of two rows) that reaches each share in version " + last.version() + budget + ".");
            html.table(List.of("coverage", "hot rows", "hot bytes"), rows);
        } else {
            html.paragraph("The newest manifest has no coverage curve.");
        }

        // Occupancy and churn.
        String[] cats = all.stream().map(m -> Long.toString(m.version())).toArray(String[]::new);
        double[] hot = all.stream().mapToDouble(SnapshotManifest::hotRows).toArray();
        double[] warm = all.stream().mapToDouble(SnapshotManifest::warmRows).toArray();
        html.heading("Tier occupancy by version");
        Chart.bars("Rows per tier", true, cats).series("hot", hot).series("warm", warm).xLabel("version").yLabel("rows")
                .writePng(outDir.resolve("occupancy.png"), 860, 360);
        html.image("occupancy.png", "tier occupancy");
        html.heading("Churn by version (rows moved since the previous version)");
        double[] promo = all.stream().mapToDouble(m -> Math.max(0, m.promotions())).toArray();
        double[] demo = all.stream().mapToDouble(m -> Math.max(0, m.demotions())).toArray();
        Chart.bars("Promotions and demotions", false, cats).series("promotions", promo).series("demotions", demo)
                .xLabel("version").yLabel("rows").writePng(outDir.resolve("churn.png"), 860, 360);
        html.image("churn.png", "churn");

        html.heading("Versions");
        List<List<String>> rows = new ArrayList<>();
        for (SnapshotManifest m : all) {
            rows.add(List.of(Long.toString(m.version()), Instant.ofEpochMilli(m.createdAt()).toString(),
                    String.format(Locale.ROOT, "%,d", m.hotRows()), String.format(Locale.ROOT, "%,d", m.warmRows()),
                    m.budgets() == null ? "-" : Chart.bytes(m.hotBytesUsed()) + " / " + Chart.bytes(m.budgets().getHotBytes()),
                    m.promotions() < 0 ? "-" : String.format(Locale.ROOT, "%,d", m.promotions()),
                    m.demotions() < 0 ? "-" : String.format(Locale.ROOT, "%,d", m.demotions()),
                    Chart.bytes(m.bytes()) + " (" + m.compression() + ")",
                    String.format(Locale.ROOT, "%,d", m.source().tokens()), m.file()));
        }
        html.table(List.of("version", "created", "hot rows", "warm rows", "hot bytes / budget", "promotions", "demotions",
                "file", "tokens", "name"), rows);
        Path index = outDir.resolve("index.html");
        html.write(index);
        return index;
    }

    private static void addCoverage(Chart c, SnapshotManifest m) {
        List<CoverageCurve.Point> pts = m.coverage().points();
        double[] x = new double[pts.size()], y = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) { x[i] = Math.max(1, pts.get(i).bytes()); y[i] = pts.get(i).share(); }
        c.series("version " + m.version(), x, y);
    }

    private static String pct(double v) { return String.format(Locale.ROOT, "%.1f%%", v * 100); }
}
