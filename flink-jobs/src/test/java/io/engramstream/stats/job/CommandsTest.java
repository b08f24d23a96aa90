package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.EngramCli;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engram run} over a Europarl-style file, then {@code engram stats top}; and the errors users can fix. */
class CommandsTest {
    @TempDir Path tmp;

    @Test
    void runThenTop() throws Exception {
        EngramSpec spec = StatsJobTesting.tinySpec();
        Path specFile = tmp.resolve("tiny-cl100k.json");
        Files.writeString(specFile, spec.toJson());
        Random rnd = new Random(1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) lines.add("(" + i + ")\t2004-03-" + (10 + i % 19) + "\t" + FileInputTest.sentence(rnd, 10 + rnd.nextInt(40)));
        Path input = tmp.resolve("sample.europarl.txt");
        Files.write(input, lines);
        Path out = tmp.resolve("out");

        String runOut = capture(0, "run", "--input", input.toString(), "--spec", specFile.toString(), "--out", out.toString(),
                "--quiet", "--parallelism", "2", "--checkpoint-interval", "300ms", "--shards", "8", "--half-life", "0");
        assertTrue(runOut.contains("done in"), runOut);
        StatsSummary s = StatsDirectory.readSummary(StatsDirectory.latest(out).orElseThrow());
        assertEquals(200, s.records());
        assertTrue(s.tokens() > 200);
        assertEquals(s.tokens() * spec.lookupsPerToken(), s.lookups());

        String csv = capture(0, "stats", "top", "--out", out.toString(), "--k", "5", "--csv");
        String[] rows = csv.strip().split("\n");
        assertEquals("layer,order,head,bucket,count,score,corpus_count,inference_count,last_access", rows[0]);
        assertEquals(6, rows.length);
        double prev = Double.MAX_VALUE;
        for (int i = 1; i < rows.length; i++) {
            String[] f = rows[i].split(",");
            int layer = Integer.parseInt(f[0]), order = Integer.parseInt(f[1]), head = Integer.parseInt(f[2]);
            assertTrue(spec.layerIds().contains(layer) && order >= 2 && order <= 3 && head >= 0 && head < spec.headsPerNgram());
            long count = Long.parseLong(f[4]);
            double score = Double.parseDouble(f[5]);
            assertEquals(count, score, 1e-9 * count, "no decay: score = count");
            assertTrue(score <= prev, "hottest first");
            prev = score;
        }
        String table = capture(0, "stats", "top", "--out", out.toString(), "--k", "3");
        assertTrue(table.contains("layer order head"), table);

        // The independent recount agrees row by row with what the job published ...
        String check = capture(0, "stats", "check", "--out", out.toString(), "--input", input.toString());
        assertTrue(check.contains("IDENTICAL: all " + String.format("%,d", s.distinctRows()) + " rows match"), check);
        // ... and notices when they do not: one more document in the input than the job counted.
        lines.add("(x)\t2004-04-01\tone more sentence the job never saw");
        Files.write(input, lines);
        String differ = capture(3, "stats", "check", "--out", out.toString(), "--input", input.toString());
        assertTrue(differ.contains("DIFFERENT:") && differ.contains("tokens job"), differ);
        assertEquals(2, EngramCli.execute("stats", "check", "--out", out.toString(), "--input", tmp.resolve("nope").toString()));
    }

    @Test
    void mistakesAreOneLineErrors() throws Exception {
        assertEquals(2, EngramCli.execute("stats", "top", "--out", tmp.resolve("nothing").toString()));
        Files.createDirectories(tmp.resolve("empty"));
        assertEquals(2, EngramCli.execute("stats", "top", "--out", tmp.resolve("empty").toString()));
        assertEquals(2, EngramCli.execute("run", "--input", tmp.resolve("missing.txt").toString(), "--out", tmp.resolve("o").toString()));
        assertEquals(2, EngramCli.execute("run", "--input", "zipf:100", "--decay-clock", "sundial", "--spec", "tiny", "--out", tmp.resolve("o").toString()));
    }

    static String capture(int expectedExit, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = EngramCli.execute(args);
        } finally {
            System.setOut(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, code, String.join(" ", args) + " printed: " + s);
        return s;
    }
}
