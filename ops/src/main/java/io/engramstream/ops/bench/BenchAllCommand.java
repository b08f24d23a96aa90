package io.engramstream.ops.bench;

import io.engramstream.bench.BenchmarkResult;
import io.engramstream.bench.HeadlineBenchmark;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram bench all}: runs every benchmark of the project that offers headline figures
 * ({@link HeadlineBenchmark}, found among the {@code bench} commands), each in its quick mode
 * unless {@code --full}, and prints one table of their medians and ratios against the baselines
 * they measured in the same run, with the machine. Each benchmark's own output is kept in the
 * Markdown report ({@code docs/benchmarks/all.md} by default).
 */
@Command(name = "all", mixinStandardHelpOptions = true,
        description = {"Runs every benchmark (quick mode unless --full) and prints one table: machine, medians, ratios against",
                "the baselines measured in the same run. Writes the table, the command and each benchmark's output as Markdown."})
public final class BenchAllCommand implements Callable<Integer>, EngramCommand {

    /** Table order; benchmarks not named here follow alphabetically. */
    static final List<String> ORDER = List.of("hash", "codec", "canon", "stats", "placement", "store");

    @Option(names = "--only", split = ",", paramLabel = "NAMES", description = "Run only these benchmarks (default: all).")
    List<String> only;

    @Option(names = "--skip", split = ",", paramLabel = "NAMES", description = "Leave these benchmarks out.")
    List<String> skip = List.of();

    @Option(names = "--full", description = "Run each benchmark with its own defaults instead of its quick mode (can take hours).")
    boolean full;

    @Option(names = "--args", paramLabel = "NAME=ARGS", description = "Arguments for one benchmark instead of its quick ones, e.g. --args 'hash=--runs 3'.")
    Map<String, String> args = new LinkedHashMap<>();

    @Option(names = "--markdown", paramLabel = "FILE",
            description = "Where to write the report (default: docs/benchmarks/all.md of the project when run by ./engram; '-' for none).")
    String markdown;

    @Override public String group() { return "bench"; }

    /** The bench commands with headline figures, in table order. */
    static List<EngramCommand> discover() {
        List<EngramCommand> out = new ArrayList<>();
        for (EngramCommand c : ServiceLoader.load(EngramCommand.class)) {
            if (c.group().equals("bench") && c instanceof HeadlineBenchmark && !(c instanceof BenchAllCommand)) out.add(c);
        }
        out.sort(Comparator.comparing((EngramCommand c) -> {
            int i = ORDER.indexOf(name(c));
            return i < 0 ? ORDER.size() : i;
        }).thenComparing(BenchAllCommand::name));
        return out;
    }

    static String name(EngramCommand c) {
        return new CommandLine(c).getCommandName();
    }

    @Override public Integer call() throws Exception {
        List<EngramCommand> all = discover();
        List<String> names = all.stream().map(BenchAllCommand::name).toList();
        for (String n : concat(only == null ? List.of() : only, concat(skip, List.copyOf(args.keySet())))) {
            if (!names.contains(n)) throw new UserError("no benchmark named '" + n + "' (benchmarks: " + String.join(", ", names) + ")");
        }
        List<EngramCommand> chosen = all.stream().filter(c -> (only == null || only.contains(name(c))) && !skip.contains(name(c))).toList();
        if (chosen.isEmpty()) throw new UserError("no benchmark left to run");

        Machine machine = Machine.describe();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        PrintStream out = System.out;
        PrintStream err = System.err;
        err.printf("bench all: %d benchmarks (%s) on %s%n", chosen.size(), String.join(", ", chosen.stream().map(BenchAllCommand::name).toList()),
                machine.summary());

        List<BenchmarkResult> rows = new ArrayList<>();
        List<BenchmarkTable.Failure> failures = new ArrayList<>();
        List<String> details = new ArrayList<>();
        int i = 0;
        for (EngramCommand c : chosen) {
            String n = name(c);
            List<String> a = args.containsKey(n) ? splitArgs(args.get(n)) : full ? List.of() : ((HeadlineBenchmark) c).quickArgs();
            String cmd = "engram bench " + n + (a.isEmpty() ? "" : " " + String.join(" ", a));
            err.printf("bench all: [%d/%d] %s%n", ++i, chosen.size(), cmd);
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            String[] failure = new String[1];
            long t0 = System.nanoTime();
            int code;
            PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            try {
                CommandLine cl = new CommandLine(c);
                cl.setOut(new java.io.PrintWriter(capture, true));
                cl.setErr(new java.io.PrintWriter(err, true));
                cl.setExecutionExceptionHandler((ex, line, parsed) -> {
                    failure[0] = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
                    return 1;
                });
                cl.setParameterExceptionHandler((ex, argv) -> {
                    failure[0] = "bad arguments: " + ex.getMessage();
                    return 2;
                });
                code = cl.execute(a.toArray(String[]::new));
            } finally {
                System.setOut(out);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            List<BenchmarkResult> h = ((HeadlineBenchmark) c).headline();
            if (code != 0 || h.isEmpty()) {
                String why = failure[0] != null ? failure[0] : code != 0 ? "exit status " + code : "no headline figures";
                failures.add(new BenchmarkTable.Failure(n, why.replaceAll("\\s+", " ")));
                err.printf("bench all: %s did not finish: %s%n", n, why);
            } else {
                rows.addAll(h);
            }
            err.printf("bench all: %s took %.0f s%n", n, secs);
            details.add(String.format(Locale.ROOT, "### %s (%.0f s)%n%n```%n$ %s%n%s```%n", n, secs, cmd,
                    captured.toString(StandardCharsets.UTF_8).stripTrailing() + "\n"));
        }

        String loadAfter = Machine.currentLoadAverage();
        List<String> table = BenchmarkTable.render(rows, failures);
        out.println("machine: " + machine.summary());
        out.println("load average at the end: " + loadAfter + "; started " + started + "; " + (full ? "full" : "quick") + " mode");
        out.println();
        table.forEach(out::println);

        Path report = reportPath();
        if (report != null) {
            StringBuilder md = new StringBuilder();
            md.append("# All benchmarks, one table\n\n");
            md.append("Produced by `engram bench all` (").append(full ? "full" : "quick").append(" mode: each benchmark runs the same ")
              .append("measurements as `engram bench <name>` on less data; every ratio compares figures measured in the same run, ")
              .append("except where the baseline says it is a fixed anchor).\n\n");
            md.append("```\n./engram bench all").append(commandTail()).append("\n```\n\n");
            md.append("- machine: ").append(machine.summary()).append('\n');
            md.append("- load average at the end: ").append(loadAfter).append("; started ").append(started).append('\n');
            md.append("- medians as each benchmark defines them (see its section below for runs, spread and the exact command)\n\n");
            table.forEach(l -> md.append(l).append('\n'));
            md.append("\n## Each benchmark's output\n\n");
            details.forEach(d -> md.append(d).append('\n'));
            if (report.getParent() != null) Files.createDirectories(report.getParent());
            Files.writeString(report, md.toString());
            err.println("bench all: report written to " + report);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    private Path reportPath() {
        if ("-".equals(markdown)) return null;
        if (markdown != null) return Path.of(markdown);
        String home = System.getProperty("engram.home");
        return home == null ? null : Path.of(home, "docs", "benchmarks", "all.md");
    }

    private String commandTail() {
        StringBuilder sb = new StringBuilder();
        if (only != null) sb.append(" --only ").append(String.join(",", only));
        if (!skip.isEmpty()) sb.append(" --skip ").append(String.join(",", skip));
        if (full) sb.append(" --full");
        args.forEach((k, v) -> sb.append(" --args '").append(k).append('=').append(v).append('\''));
        return sb.toString();
    }

    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        for (String t : s.trim().split("\\s+")) if (!t.isEmpty()) out.add(t);
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
