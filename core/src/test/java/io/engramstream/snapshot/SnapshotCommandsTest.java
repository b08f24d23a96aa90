package io.engramstream.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.cli.EngramCli;
import io.engramstream.placement.PlacementOptions;
import io.engramstream.placement.PlacementPlanner;
import io.engramstream.placement.PlacementPublisher;
import io.engramstream.placement.PlacementResult;
import io.engramstream.placement.RowStats;
import io.engramstream.placement.TierBudgets;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot commands on a directory published through {@link PlacementPublisher} with the tiny spec. */
class SnapshotCommandsTest {
    static final EngramSpec SPEC = EngramSpec.tiny();
    static final RowLayout LAYOUT = RowLayout.of(SPEC);
    @TempDir static Path dir;
    static SnapshotManifest last;

    @BeforeAll
    static void publishThreeVersions() throws Exception {
        PlacementPublisher pub = new PlacementPublisher(new SnapshotDirectory(dir, 5), LAYOUT, SPEC.fingerprint(), "cmap0123",
                WriteOptions.ZSTD, true);
        TierBudgets budgets = TierBudgets.ofRows(SPEC.bytesPerRow(), 64, 256);
        SplittableRandom r = new SplittableRandom(3);
        for (int v = 1; v <= 3; v++) {
            int n = 2_000;
            long[] keys = new long[n];
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                keys[i] = RowKey.of(i % 2, (i / 2) * 3L % LAYOUT.rowsPerLayer(i % 2));
                scores[i] = Math.pow(1 + ((i * 7919L + v * 31L) % n), -1.1) * (1 + 0.1 * r.nextDouble());
            }
            PlacementResult res = PlacementPlanner.plan(new RowStats(n, keys, scores, new long[n], new long[n]), pub.current(), budgets,
                    PlacementOptions.DEFAULT, LAYOUT);
            last = pub.commit(pub.prepare(res, pub.nextVersion(), SourcePosition.ofTokens(1000L * v, "test"), 1_700_000_000_000L + v));
            assertEquals(v, pub.current().version());
        }
        // A fresh publisher (a restarted job) picks up the placement in force from LATEST.
        PlacementPublisher again = new PlacementPublisher(new SnapshotDirectory(dir, 5), LAYOUT, SPEC.fingerprint(), "cmap0123",
                WriteOptions.ZSTD, true);
        assertEquals(3, again.current().version());
        assertEquals(64, again.current().rows().count(Tier.HOT));
        assertEquals(4, again.nextVersion());
    }

    record Run(int code, String out) {}

    static Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = EngramCli.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void manifestRecordsCoverageDeltaAndBudgets() {
        assertEquals(3, last.version());
        assertEquals(2L, last.previousVersion());
        assertEquals(64, last.hotRows());
        assertEquals(256, last.warmRows());
        assertNotNull(last.delta());
        assertEquals(SPEC.fingerprint(), last.specFingerprint());
        assertEquals(3000, last.source().tokens());
        List<CoverageCurve.Point> pts = last.coverage().points();
        assertEquals(1, pts.get(0).rows());
        assertEquals(LAYOUT.totalRows(), pts.get(pts.size() - 1).rows());
        assertEquals(1.0, pts.get(pts.size() - 1).share(), 1e-9);
    }

    @Test
    void verifyPassesOnPublishedFilesAndChecksTheSpec() {
        Run ok = run("snapshot", "verify", dir.resolve(last.file()).toString(), "--spec", "tiny");
        assertEquals(0, ok.code(), ok.out());
        assertTrue(ok.out().contains("ok    sha256"), ok.out());
        assertTrue(ok.out().contains("every row inside the spec's tables"), ok.out());
        Run delta = run("snapshot", "verify", dir.resolve(last.delta().file()).toString());
        assertEquals(0, delta.code(), delta.out());
        Run wrongSpec = run("snapshot", "verify", dir.resolve(last.file()).toString(), "--spec", "demo");
        assertEquals(1, wrongSpec.code(), wrongSpec.out());
        assertTrue(wrongSpec.out().contains("FAIL  spec fingerprint"), wrongSpec.out());
    }

    @Test
    void verifyDetectsACorruptedFile(@TempDir Path other) throws Exception {
        Path copy = other.resolve(last.file());
        Files.copy(dir.resolve(last.file()), copy);
        Files.writeString(other.resolve(SnapshotDirectory.manifestFileName(last.version())), last.toJson());
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[]{(byte) 0xAB}), Files.size(copy) / 2);
        }
        Run bad = run("snapshot", "verify", copy.toString());
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("FAIL  sha256"), bad.out());
    }

    @Test
    void inspectPrintsMetadataAndDumpsCsv(@TempDir Path other) throws Exception {
        Run summary = run("snapshot", "inspect", dir.resolve(last.file()).toString(), "--limit", "3");
        assertEquals(0, summary.code());
        assertTrue(summary.out().contains("full, version 3, previous version 2"), summary.out());
        assertTrue(summary.out().contains("hot 64, warm 256"), summary.out());
        Path csv = other.resolve("rows.csv");
        assertEquals(0, run("snapshot", "inspect", dir.resolve(last.file()).toString(), "--csv", "--out", csv.toString()).code());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("layer,order,head,bucket,row,tier,score,count,last_access", lines.get(0));
        assertEquals(1 + 64 + 256, lines.size());
        // Each line's derived columns agree with the spec's head offsets.
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            int layer = Integer.parseInt(f[0]);
            long row = Long.parseLong(f[4]);
            long[] offs = SPEC.headOffsets(layer);
            int j = (Integer.parseInt(f[1]) - 2) * SPEC.headsPerNgram() + Integer.parseInt(f[2]);
            assertEquals(offs[j] + Long.parseLong(f[3]), row, line);
            assertTrue(row < offs[j + 1], line);
            assertTrue(f[5].equals("hot") || f[5].equals("warm"), line);
        }
    }

    @Test
    void reportWritesHtmlAndPlots(@TempDir Path other) throws Exception {
        Run r = run("snapshot", "report", dir.toString(), "--out", other.toString());
        assertEquals(0, r.code(), r.out());
        String html = Files.readString(other.resolve("index.html"));
        assertTrue(html.contains("<img src=\"coverage.png\""));
        assertTrue(html.contains("<td>3</td>"), "versions table lists version 3");
        for (String png : List.of("coverage.png", "occupancy.png", "churn.png")) {
            BufferedImage img = ImageIO.read(other.resolve(png).toFile());
            assertEquals(860, img.getWidth(), png);
        }
    }

    @Test
    void userMistakesExitWithStatusTwo(@TempDir Path other) throws Exception {
        assertEquals(2, run("snapshot", "inspect", other.resolve("missing.arrow").toString()).code());
        assertEquals(2, run("snapshot", "report", other.toString()).code(), "an empty directory has nothing to report");
        Path text = other.resolve("x.arrow");
        Files.writeString(text, "not arrow at all, but long enough to look like something");
        assertEquals(2, run("snapshot", "inspect", text.toString()).code());
        assertEquals(1, run("snapshot", "verify", text.toString()).code());
    }
}
