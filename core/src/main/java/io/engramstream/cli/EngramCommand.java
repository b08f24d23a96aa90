package io.engramstream.cli;

/**
 * A command of the {@code engram} CLI. Implementations are picocli {@code @Command} classes
 * listed in their module's {@code META-INF/services/io.engramstream.cli.EngramCommand}, so each
 * module contributes its own commands and the CLI shows whatever is on the classpath.
 *
 * <p>{@link #group()} places a command under a shared group such as {@code bench}, which
 * several modules fill ({@code bench hash} in core, {@code bench stats} in flink-jobs, ...).
 */
public interface EngramCommand {
    /** The group this command hangs under, or {@code ""} for a top-level command. */
    default String group() { return ""; }
}
