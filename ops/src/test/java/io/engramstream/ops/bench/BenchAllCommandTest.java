package io.engramstream.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.bench.BenchmarkResult;
import io.engramstream.bench.HeadlineBenchmark;
import io.engramstream.cli.EngramCli;
import io.engramstream.cli.EngramCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchAllCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = EngramCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test
    void everyBenchmarkOfTheProjectIsDiscoveredInTableOrder() {
        List<String> names = BenchAllCommand.discover().stream().map(BenchAllCommand::name).toList();
        assertEquals(List.of("hash", "codec", "canon", "stats", "placement", "store", "model"), names);
        for (EngramCommand c : BenchAllCommand.discover()) {
            assertTrue(((HeadlineBenchmark) c).headline().isEmpty(), "no figures before a run");
            assertTrue(!((HeadlineBenchmark) c).quickArgs().isEmpty(), BenchAllCommand.name(c) + " has no quick mode");
        }
    }

    /** Two real benchmarks with tiny arguments: one table with both, ratios consistent with the figures, and a report. */
    @Test
    void runsTheChosenBenchmarksAndPrintsOneTableAndAReport() throws Exception {
        Path md = dir.resolve("all.md");
        Run r = run("bench", "all", "--only", "hash,codec",
                "--args", "hash=--docs 2 --doc-tokens 512 --runs 3 --min-run-ms 20 --warmup-ms 50",
                "--args", "codec=--messages 300 --repeats 3 --warmup 1", "--markdown", md.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("machine: "), r.out());
        assertTrue(r.out().contains("cores visible") && r.out().contains("load average"), r.out());
        assertTrue(r.out().contains("| benchmark | metric | value |"), r.out());
        // Each benchmark's own table went to the report, not to the terminal.
        assertTrue(!r.out().contains("variant"), r.out());

        // Every data row: the ratio column equals value / baseline value (or its inverse for times and sizes).
        Pattern row = Pattern.compile("^\\| (hash|codec) \\| ([^|]*) \\| ([0-9.,e+-]+) \\| ([^|]*) \\| ([^|]*) \\| ([0-9.,e+-]*) \\| ([0-9.]*)x? \\|", Pattern.MULTILINE);
        Matcher m = row.matcher(r.out());
        int rows = 0;
        boolean hash = false, codec = false;
        while (m.find()) {
            rows++;
            hash |= m.group(1).equals("hash");
            codec |= m.group(1).equals("codec");
            double value = Double.parseDouble(m.group(3).replace(",", ""));
            assertTrue(value >= 0, m.group());
            if (!m.group(6).isEmpty() && !m.group(7).isEmpty()) {
                double base = Double.parseDouble(m.group(6).replace(",", ""));
                double ratio = Double.parseDouble(m.group(7));
                boolean lowerBetter = m.group(4).trim().equals("ms") || m.group(4).trim().startsWith("B/");
                double expected = lowerBetter ? base / value : value / base;
                assertEquals(expected, ratio, Math.max(0.02, expected * 0.02) + 0.01, m.group()); // cells are rounded to 3 digits
            }
        }
        assertTrue(hash && codec && rows >= 5, rows + " rows:\n" + r.out());

        String report = Files.readString(md);
        assertTrue(report.contains("./engram bench all --only hash,codec --args 'hash=--docs 2"), report);
        assertTrue(report.contains("- machine: "), report);
        assertTrue(report.contains("### hash") && report.contains("### codec"), report);
        assertTrue(report.contains("$ engram bench codec --messages 300 --repeats 3 --warmup 1"), report);
        assertTrue(report.contains("ratios against the baseline"), "codec's own output is kept: " + report);
    }

    @Test
    void unknownBenchmarksAndBadArgumentsAreReported() {
        Run unknown = run("bench", "all", "--only", "nope", "--markdown", "-");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no benchmark named 'nope'") && unknown.err().contains("hash"), unknown.err());

        Run bad = run("bench", "all", "--only", "codec", "--args", "codec=--messages -5 --repeats x", "--markdown", "-");
        assertEquals(1, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains("| codec | **did not finish**"), bad.out());
    }

    @Test
    void ratiosAreValueOverBaselineForRatesAndTheInverseForTimes() {
        assertEquals(2.0, BenchmarkResult.vs("x", "rate", 10, "M/s", "b", 5, true).ratio(), 1e-12);
        assertEquals(4.0, BenchmarkResult.vs("x", "time", 5, "ms", "b", 20, false).ratio(), 1e-12);
        assertTrue(Double.isNaN(BenchmarkResult.alone("x", "alone", 5, "MB/s", true).ratio()));
        List<String> t = BenchmarkTable.render(List.of(BenchmarkResult.vs("hash", "a|b", 617.4, "M ids/s", "numpy", 127, true)
                .withGoal(">= 4x numpy", true)), List.of(new BenchmarkTable.Failure("store", "no GPU")));
        assertEquals("| hash | a\\|b | 617 | M ids/s | numpy | 127 | 4.86x | >= 4x numpy | yes |", t.get(2));
        assertTrue(t.get(3).startsWith("| store | **did not finish**: no GPU"), t.get(3));
    }
}
