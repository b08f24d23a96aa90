package io.engramstream.snapshot;

import java.nio.file.Path;

/** A snapshot file as written: where, how many bytes, their SHA-256 (hex), and rows per tier. */
public record WrittenFile(Path path, long bytes, String sha256, long rows, long hotRows, long warmRows) {}
