package io.engramstream.snapshot;

/**
 * How to write snapshot files.
 *
 * @param zstd      compress record batches with ZSTD (~1.7x smaller, ~3x slower to write)
 * @param batchRows rows per Arrow record batch (bounds the writer's memory)
 */
public record WriteOptions(boolean zstd, int batchRows) implements java.io.Serializable {
    public static final WriteOptions DEFAULT = new WriteOptions(false, 1 << 20);
    public static final WriteOptions ZSTD = new WriteOptions(true, 1 << 20);

    public WriteOptions {
        if (batchRows <= 0) throw new IllegalArgumentException("batchRows must be positive");
    }

    public String compressionLabel() { return zstd ? "zstd" : "none"; }
}
