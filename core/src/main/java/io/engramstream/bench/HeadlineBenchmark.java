package io.engramstream.bench;

import java.util.List;

/**
 * A benchmark command ({@code engram bench <name>}) that {@code engram bench all} can run in a
 * quick mode and read back: it keeps printing its own table, and also records its headline
 * figures. Implementing this (on a command already listed as an {@code EngramCommand} of group
 * {@code bench}) is all it takes to appear in {@code engram bench all}.
 */
public interface HeadlineBenchmark {

    /** Arguments for a quick run: the same measurements on less data, about a minute or less on 2 cores. */
    List<String> quickArgs();

    /** The headline figures of the last run of this instance, in table order (empty before a run). */
    List<BenchmarkResult> headline();
}
