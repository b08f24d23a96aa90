package io.engramstream.ops.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.cli.EngramCli;
import io.engramstream.placement.TierBudgets;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command of the assembled CLI against hostile input, through {@link EngramCli#execute}:
 * help must be clean; unknown flags, missing values and non-numbers for numeric options are
 * exit 2 before anything runs; and the commands that read files are given missing, empty,
 * random, truncated, foreign and mismatched ones. Every answer is an exit status with a short
 * message; no stack trace (from the command or from a logger) ever reaches the terminal.
 */
class CliFuzzTest {
    @TempDir static Path tmp;

    static Path random, empty, badJson, wrongShape, latin1, snapDir, goodSnapshot, truncatedSnapshot, badLatestDir, emptyDir;

    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w$.<>/]+\\(.*\\)\\s*$|Exception in thread|^Caused by: ");
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO|WARN|ERROR) .*");
    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cli-fuzz");
        t.setDaemon(true);
        return t;
    });

    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).matches()).toList();
        }
    }

    @BeforeAll
    static void fixtures() throws Exception {
        Random rnd = new Random(99);
        byte[] junk = new byte[4096];
        rnd.nextBytes(junk);
        random = Files.write(tmp.resolve("random.bin"), junk);
        empty = Files.write(tmp.resolve("empty.json"), new byte[0]);
        badJson = Files.writeString(tmp.resolve("bad.json"), "{\"cases\": [1, 2, {\"x\": ");
        wrongShape = Files.writeString(tmp.resolve("shape.json"), "{\"cases\": 5, \"vectors\": \"none\", \"model\": {}}");
        latin1 = Files.write(tmp.resolve("latin1.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x', ':', ' ', (byte) 0xe9, '\n'});
        emptyDir = Files.createDirectories(tmp.resolve("empty-dir"));

        // A real snapshot of the demo spec (so --spec tiny must refuse it), and a cut copy.
        EngramSpec demo = EngramSpec.demo();
        RowLayout layout = RowLayout.of(demo);
        SnapshotRows rows = SnapshotRows.full(64);
        for (int i = 0; i < 64; i++) rows.add(RowKey.of(i % 2, i * 1000L), i < 16 ? Tier.HOT_CODE : Tier.WARM_CODE, 64 - i, 64 - i, i);
        SnapshotMetadata meta = SnapshotMetadata.full(1, -1, demo.fingerprint(), "8dc8692fd5f7b767", 1_700_000_000_000L,
                SourcePosition.NONE, TierBudgets.global(demo.bytesPerRow(), 16L * demo.bytesPerRow(), 64L * demo.bytesPerRow()),
                demo.layerIds());
        snapDir = tmp.resolve("snaps");
        SnapshotManifest m = new SnapshotDirectory(snapDir, 2).publish(meta, rows.sortByKey(), null, layout, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
        goodSnapshot = snapDir.resolve(m.file());
        byte[] bytes = Files.readAllBytes(goodSnapshot);
        truncatedSnapshot = Files.write(tmp.resolve("cut.arrow"), Arrays.copyOf(bytes, bytes.length / 2));
        badLatestDir = Files.createDirectories(tmp.resolve("bad-latest"));
        Files.writeString(badLatestDir.resolve("LATEST"), "{\"version\": \"many\"");
        Files.createDirectories(tmp.resolve("stats-out/stats"));
        Files.writeString(tmp.resolve("stats-out/stats/LATEST"), "cp-000000000001\n");
        Files.createDirectories(tmp.resolve("stats-out/stats/cp-000000000001"));
        Files.write(tmp.resolve("stats-out/stats/cp-000000000001/part-00000-of-00001.rows"), junk);
    }

    @AfterAll
    static void stop() {
        RUNNER.shutdownNow();
    }

    /** Runs the CLI with stdout and stderr captured (loggers follow System.err in tests), time-boxed. */
    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            Future<Integer> f = RUNNER.submit(() -> EngramCli.execute(args));
            code = f.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("engram " + String.join(" ", args) + " did not finish in 120 s");
        } catch (Exception e) {
            throw new AssertionError("engram " + String.join(" ", args) + " threw " + e.getCause(), e.getCause());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** No stack trace anywhere; a failure is explained in at most a couple of lines on stderr. */
    static void assertClean(Result r, String what) {
        assertTrue(!STACK_FRAME.matcher(r.err()).find(), what + ": stack trace on stderr:\n" + r.err());
        assertTrue(!STACK_FRAME.matcher(r.out()).find(), what + ": stack trace on stdout:\n" + r.out());
        if (r.code() != 0) {
            assertTrue(r.errLines().size() <= 2, what + ": " + r.errLines().size() + " lines on stderr:\n" + r.err());
        }
    }

    /** Every command below the root (groups included), as its argument path. */
    static List<List<String>> commands() {
        List<List<String>> out = new ArrayList<>();
        collect(EngramCli.commandLine(), new ArrayList<>(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().aliases().length > 0 && !e.getKey().equals(e.getValue().getCommandName())) continue;
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    private static String[] with(List<String> path, String... more) {
        List<String> a = new ArrayList<>(path);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void everyCommandsHelpIsCleanAndExitsZero() {
        List<List<String>> all = commands();
        assertTrue(all.size() >= 30, "commands found: " + all);
        for (List<String> c : all) {
            Result r = run(with(c, "--help"));
            String what = "engram " + String.join(" ", c) + " --help";
            assertEquals(0, r.code(), what + "\n" + r.err());
            assertEquals("", r.err(), what + " wrote to stderr");
            assertTrue(r.out().contains("Usage:"), what);
        }
    }

    @Test
    void unknownFlagsAreExitTwoWithOneLineBeforeAnythingRuns() {
        for (List<String> c : commands()) {
            for (String[] junk : List.of(new String[] {"--no-such-flag-xyz"}, new String[] {"--no-such-flag-xyz=\u0000"},
                    new String[] {"-Z"})) {
                String what = "engram " + String.join(" ", c) + " " + junk[0];
                Result r = run(with(c, junk));
                assertEquals(2, r.code(), what + "\n" + r.out() + r.err());
                assertClean(r, what);
                assertEquals(1, r.errLines().size(), what + ":\n" + r.err());
                assertTrue(r.errLines().get(0).startsWith("engram"), what + ": " + r.err());
            }
        }
    }

    private static final Set<Class<?>> NUMERIC = Set.of(int.class, long.class, double.class, float.class, short.class, byte.class,
            Integer.class, Long.class, Double.class, Float.class, Short.class, Byte.class);

    @Test
    void numericOptionsRefuseNonNumbersAndMissingValuesAreExitTwo() {
        int checked = 0;
        for (List<String> c : commands()) {
            CommandLine cl = EngramCli.commandLine();
            for (String name : c) cl = cl.getSubcommands().get(name);
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                if (o.arity().min() < 1) continue;
                String name = o.longestName();
                String what = "engram " + String.join(" ", c) + " " + name;
                if (NUMERIC.contains(o.type())) {
                    boolean integral = o.type() != double.class && o.type() != float.class && o.type() != Double.class && o.type() != Float.class;
                    // (no huge values for floating options: 1e999999 parses, as Infinity, and the command would run)
                    for (String v : integral ? List.of("not-a-number", "1.5", "99999999999999999999999", "--") : List.of("not-a-number", "--")) {
                        Result r = run(with(c, name + "=" + v));
                        assertEquals(2, r.code(), what + "=" + v + "\n" + r.out() + r.err());
                        assertClean(r, what + "=" + v);
                    }
                    checked++;
                }
                Result r = run(with(c, name)); // the value is missing
                assertEquals(2, r.code(), what + " (no value)\n" + r.out() + r.err());
                assertClean(r, what + " (no value)");
            }
        }
        assertTrue(checked >= 10, "numeric options checked: " + checked);
    }

    /** {arguments..., allowed exit statuses as "=1|2"}: commands that read files and values, fed garbage. */
    static List<String[]> garbageCases() {
        String rnd = random.toString(), emp = empty.toString(), bad = badJson.toString(), shape = wrongShape.toString();
        String missing = tmp.resolve("no/such/file").toString(), dir = emptyDir.toString(), l1 = latin1.toString();
        String out = tmp.resolve("out-" + System.nanoTime()).toString();
        List<String[]> c = new ArrayList<>();
        for (String f : List.of(rnd, emp, bad, shape, missing, dir, l1)) {
            c.add(new String[] {"hash", "check", "--vectors", f, "=1|2"});
            c.add(new String[] {"canon", "check", "--vectors", f, "=1|2"});
            c.add(new String[] {"canon", "build", "--tokenizer", f, "--out", out + ".cmap", "=2"});
            c.add(new String[] {"hash", "--spec", f, "--tokens", "1 2 3", "=2"});
            c.add(new String[] {"snapshot", "inspect", f, "=1|2"});
            c.add(new String[] {"snapshot", "verify", f, "=1|2"});
            c.add(new String[] {"snapshot", "report", f, "--out", out, "=1|2"});
            c.add(new String[] {"decode", "--input", f, "=2|3"});
            c.add(new String[] {"store", "inspect", f, "=1|2"});
            c.add(new String[] {"store", "init", "--spec", f, "--out", out + ".engt", "=2"});
            c.add(new String[] {"store", "import", "--safetensors", f, "--spec", "tiny", "--out", out + ".engt", "=1|2"});
            c.add(new String[] {"stats", "top", "--out", f, "=1|2"});
            c.add(new String[] {"run", "--spec", f, "--input", "zipf:1000", "--out", out, "--quiet", "=2"});
        }
        // Ids outside the vocabulary are hashed as the reference does (with a note); what is not an id is refused.
        for (String tokens : List.of("1,-5", "98627", "99999999999", "-2147483648", "1,".repeat(5000))) {
            c.add(new String[] {"hash", "--spec", "tiny", "--tokens", tokens, "=0"});
        }
        for (String tokens : List.of("abc", "", "1 2 x", "1e5", "99999999999999999999999")) {
            c.add(new String[] {"hash", "--spec", "tiny", "--tokens", tokens, "=2"});
        }
        c.add(new String[] {"canon", "build", "--tokenizer", "no-such-tokenizer", "=2"});
        c.add(new String[] {"canon", "build", "--tokenizer", "cl100k_base", "--raw-key", "bogus", "=2"});
        c.add(new String[] {"canon", "tokenize", "--tokenizer", "no-such-tokenizer", "hello", "=2"});
        c.add(new String[] {"snapshot", "inspect", truncatedSnapshot.toString(), "=1|2"});
        c.add(new String[] {"snapshot", "verify", truncatedSnapshot.toString(), "=1"});
        c.add(new String[] {"snapshot", "verify", goodSnapshot.toString(), "--spec", "tiny", "=1"});      // wrong fingerprint
        c.add(new String[] {"snapshot", "verify", goodSnapshot.toString(), "--spec", rnd, "=2"});
        c.add(new String[] {"snapshot", "verify", goodSnapshot.toString(), "--manifest", rnd, "=1|2"});
        c.add(new String[] {"snapshot", "verify", goodSnapshot.toString(), "--manifest", bad, "=1|2"});
        c.add(new String[] {"snapshot", "report", badLatestDir.toString(), "--out", out, "=1|2"});
        c.add(new String[] {"snapshot", "report", emptyDir.toString(), "--out", out, "=0|1|2"});
        c.add(new String[] {"snapshot", "inspect", goodSnapshot.toString(), "--limit", "-5", "=0|2"});
        for (String hex : List.of("zz", "c", "c3", "c301", "00", "c301" + "ff".repeat(8) + "00", "c301" + "00".repeat(300), "\u0000")) {
            c.add(new String[] {"decode", "--hex", hex, "=2|3"});
        }
        c.add(new String[] {"decode", "--hex", "c301", "--type", "NoSuchRecord", "=2"});
        c.add(new String[] {"decode", "--hex", "c301", "--show-tokens", "-1", "=2|3"});
        c.add(new String[] {"stats", "top", "--out", tmp.resolve("stats-out").toString(), "=1|2"});
        c.add(new String[] {"stats", "top", "--out", tmp.resolve("stats-out").toString(), "--k", "0", "=2"});
        c.add(new String[] {"stats", "top", "--out", tmp.resolve("stats-out").toString(), "--by", "bogus", "=2"});
        c.add(new String[] {"store", "init", "--spec", "tiny", "--dtype", "int3", "--out", out + ".engt", "=2"});
        c.add(new String[] {"run", "--input", "zipf:abc", "--spec", "tiny", "--out", out, "--quiet", "=2"});
        c.add(new String[] {"run", "--input", "zipf:1000", "--spec", "tiny", "--parallelism", "99999", "--out", out, "--quiet", "=2"});
        c.add(new String[] {"run", "--input", "zipf:1000", "--spec", "tiny", "--state-backend", "bogus", "--out", out, "--quiet", "=2"});
        c.add(new String[] {"run", "--input", "zipf:1000", "--spec", "tiny", "--from-savepoint", missing, "--out", out, "--quiet", "=2"});
        c.add(new String[] {"topics", "verify", "--command-config", missing, "=2"});
        c.add(new String[] {"run", "--input", missing, "--spec", "tiny", "--out", out, "--quiet", "=2"});
        c.add(new String[] {"kafka", "status", "--dir", missing, "=0|1|2|3"});
        c.add(new String[] {"produce", "tokens", "--input", missing, "=2"});
        c.add(new String[] {"produce", "text", "--input", dir, "--tokenizer", "no-such-tokenizer", "=1|2"});
        return c;
    }

    @Test
    void commandsThatReadFilesAnswerGarbageWithAnExitStatusAndOneLine() {
        List<String> problems = new ArrayList<>();
        for (String[] c : garbageCases()) {
            String[] args = Arrays.copyOf(c, c.length - 1);
            Set<Integer> allowed = new java.util.HashSet<>();
            for (String s : c[c.length - 1].substring(1).split("\\|")) allowed.add(Integer.parseInt(s));
            String what = "engram " + String.join(" ", Arrays.stream(args).map(a -> a.length() > 60 ? a.substring(0, 60) + "..." : a).toList());
            Result r = run(args);
            try {
                assertTrue(allowed.contains(r.code()), what + ": exit " + r.code() + ", expected " + allowed + "\n" + r.out() + r.err());
                assertClean(r, what);
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) fail(problems.size() + " commands misbehaved:\n" + String.join("\n---\n", problems));
    }
}
