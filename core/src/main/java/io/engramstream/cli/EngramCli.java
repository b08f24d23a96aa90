package io.engramstream.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code engram} command line. Top-level and grouped commands are discovered through
 * {@link EngramCommand}; errors print one line and exit non-zero.
 */
@Command(name = "engram", mixinStandardHelpOptions = true, version = "engram-stream 0.1.0",
        description = "Keeps Engram memory tables in the right tier: hashing, statistics, placement, snapshots, runtime.",
        subcommandsRepeatable = false)
public final class EngramCli implements Runnable {

    /** Descriptions of groups that several modules contribute to. */
    private static final Map<String, String> GROUPS = Map.of(
            "bench", "Benchmarks: each prints a table against a named baseline measured in the same run.",
            "hash", "Engram N-gram hashing: bucket ids and golden-vector checks.",
            "canon", "Tokenizer compression: build and check canonical-id maps.",
            "snapshot", "Hot-set snapshots: inspect, verify, report.",
            "stats", "Per-row access statistics written by the statistics job.",
            "topics", "The Kafka topic catalog: apply, verify, describe.",
            "kafka", "A local single-node KRaft broker for demos.",
            "store", "The runtime's embedding tables: create, import from safetensors, inspect.",
            "docs", "Generated documentation: CLI reference and configuration options.");

    @Override public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (used by tests, which must not call System.exit). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new EngramCli());
        Map<String, CommandLine> groups = new TreeMap<>();
        for (EngramCommand c : ServiceLoader.load(EngramCommand.class)) {
            String g = c.group();
            if (g.isEmpty()) {
                CommandLine sub = new CommandLine(c);
                String name = sub.getCommandName();
                CommandLine synthetic = groups.put(name, sub);
                if (synthetic != null) {
                    // A real command named like a group (e.g. `hash` with its own options): it becomes
                    // the group, and the subcommands registered so far move under it.
                    synthetic.getSubcommands().forEach((n, s) -> {
                        if (!sub.getSubcommands().containsKey(n)) sub.addSubcommand(n, s);
                    });
                }
            } else {
                CommandLine group = groups.computeIfAbsent(g, EngramCli::group);
                group.addSubcommand(new CommandLine(c));
            }
        }
        groups.values().forEach(root::addSubcommand);
        root.setExecutionExceptionHandler(EngramCli::handleError);
        root.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage())
                    + " (see --help)");
            return 2;
        });
        return root;
    }

    private static CommandLine group(String name) {
        CommandLine cl = new CommandLine(new Group());
        cl.getCommandSpec().name(name);
        cl.getCommandSpec().usageMessage().description(GROUPS.getOrDefault(name, name + " commands"));
        return cl;
    }

    /** A group invoked without a subcommand prints its usage. */
    @Command(mixinStandardHelpOptions = true)
    static final class Group implements Runnable {
        @picocli.CommandLine.Spec CommandSpec spec;
        @Override public void run() { spec.commandLine().usage(System.out); }
    }

    private static int handleError(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable t = ex;
        if (t instanceof UncheckedIOException u) t = u.getCause();
        if (t instanceof UserError) {
            err.println(cl.getCommandSpec().qualifiedName() + ": " + oneLine(t.getMessage()));
            return 2;
        }
        if (t instanceof NoSuchFileException nsf) {
            err.println("engram " + cl.getCommandName() + ": no such file: " + nsf.getFile());
            return 2;
        }
        if (t instanceof IllegalArgumentException) {
            err.println(cl.getCommandSpec().qualifiedName() + ": " + oneLine(t.getMessage()));
            return 2;
        }
        err.println(cl.getCommandSpec().qualifiedName() + ": " + oneLine(t.toString()));
        if (System.getenv("ENGRAM_DEBUG") != null) t.printStackTrace(err);
        return 1;
    }

    /** Errors print as one line, whatever the message holds (user-supplied values, parser excerpts). */
    static String oneLine(String s) {
        if (s == null) return "";
        String t = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return t.length() > 1000 ? t.substring(0, 1000) + "..." : t;
    }
}
