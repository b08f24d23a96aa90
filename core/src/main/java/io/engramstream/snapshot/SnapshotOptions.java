package io.engramstream.snapshot;

import io.engramstream.config.EngramConfig;
import io.engramstream.config.EngramOption;
import java.util.List;

/** Configuration of snapshot publishing. */
public final class SnapshotOptions {
    private SnapshotOptions() {}

    public static final EngramOption<Integer> KEEP = EngramOption.integer("snapshot.keep", 10,
            "Number of newest snapshot versions kept in the snapshot directory");
    public static final EngramOption<String> COMPRESSION = EngramOption.string("snapshot.compression", "none",
            "Compression of snapshot files: none or zstd");
    public static final EngramOption<Boolean> DELTAS = EngramOption.bool("snapshot.deltas", true,
            "Also write a delta file (promotions and demotions) with each version");
    public static final List<EngramOption<?>> ALL = List.of(KEEP, COMPRESSION, DELTAS);

    public static WriteOptions writeOptions(EngramConfig config) {
        String c = config.get(COMPRESSION).toLowerCase(java.util.Locale.ROOT);
        return switch (c) {
            case "none" -> WriteOptions.DEFAULT;
            case "zstd" -> WriteOptions.ZSTD;
            default -> throw new IllegalArgumentException("option snapshot.compression expects none or zstd, got '" + c + "'");
        };
    }
}
