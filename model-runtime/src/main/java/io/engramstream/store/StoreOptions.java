package io.engramstream.store;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.engramstream.cli.UserError;
import io.engramstream.config.EngramConfig;
import io.engramstream.config.EngramOption;
import io.engramstream.spec.EngramSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Settings of a {@link TieredEmbeddingStore}, as typed options (flags {@code --store.*}). */
public final class StoreOptions {
    private StoreOptions() {}

    public static final EngramOption<String> TABLE = EngramOption.string("store.table", null,
            "The cold table file (.engt), made by 'engram store init' or 'engram store import'.");
    public static final EngramOption<Boolean> WRITABLE = EngramOption.bool("store.writable", false,
            "Open the table for row writes (training); otherwise read-only.");
    public static final EngramOption<String> SNAPSHOTS = EngramOption.string("store.snapshots", null,
            "Snapshot directory to seed the placement from (its LATEST) and to follow; none: cold-only.");
    public static final EngramOption<Duration> FOLLOW = EngramOption.duration("store.follow-interval", Duration.ofSeconds(5),
            "How often to poll LATEST for a newer snapshot; 0s seeds once and does not follow.");
    public static final EngramOption<String> DEVICE = EngramOption.string("store.device", "auto",
            "Device of the hot tier and of lookup results: auto (a GPU when DJL sees one, else cpu), cpu, gpu or gpu:N.");
    public static final EngramOption<Integer> PREFETCH_THREADS = EngramOption.integer("store.prefetch-threads", 1,
            "Background threads staging prefetched batches.");
    public static final EngramOption<Boolean> HUGE_PAGES = EngramOption.bool("store.huge-pages", true,
            "Keep the hot tier (on a CPU), warm tier, row index and lookup staging on 2 MiB pages where Linux grants them.");
    public static final EngramOption<Long> MAX_HOT_ROWS = EngramOption.longInt("store.max-hot-rows", Long.MAX_VALUE,
            "Reject snapshots with more hot rows than this (device memory guard).");
    public static final EngramOption<Long> MAX_WARM_ROWS = EngramOption.longInt("store.max-warm-rows", Long.MAX_VALUE,
            "Reject snapshots with more warm rows than this (host memory guard).");
    public static final EngramOption<String> CANONICAL_MAP = EngramOption.string("store.canonical-map-fingerprint", null,
            "Reject snapshots counted under another canonical map (16 hex); none: not checked.");

    public static final EngramOption<String> KAFKA = EngramOption.string("store.kafka", null,
            "Kafka bootstrap servers: also follow the snapshot manifest topic; none: do not.");
    public static final EngramOption<String> KAFKA_PROPERTIES = EngramOption.string("store.kafka-properties", null,
            "A Kafka client .properties file (security settings) for the manifest topic consumer.");
    public static final EngramOption<String> MANIFEST_TOPIC = EngramOption.string("store.manifest-topic",
            io.engramstream.topics.TopicCatalog.SNAPSHOT_MANIFESTS, "The snapshot manifest topic to follow.");

    public static final List<EngramOption<?>> ALL = List.of(TABLE, WRITABLE, SNAPSHOTS, FOLLOW, DEVICE, PREFETCH_THREADS,
            HUGE_PAGES, MAX_HOT_ROWS, MAX_WARM_ROWS, CANONICAL_MAP, KAFKA, KAFKA_PROPERTIES, MANIFEST_TOPIC);

    /** Parses {@code auto|cpu|gpu|gpu:N}. */
    public static Device device(String s) {
        String v = s == null ? "auto" : s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("auto")) return Engine.getInstance().defaultDevice();
        if (v.equals("cpu")) return Device.cpu();
        if (v.equals("gpu")) return Device.gpu();
        if (v.startsWith("gpu:")) {
            try {
                return Device.gpu(Integer.parseInt(v.substring(4)));
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new UserError("store.device: expected auto, cpu, gpu or gpu:N, got '" + s + "'");
    }

    /** Opens the table named by {@link #TABLE} and builds a store for {@code spec} from {@code config}. */
    public static TieredEmbeddingStore open(EngramSpec spec, EngramConfig config) throws IOException {
        String table = config.get(TABLE);
        if (table == null) throw new UserError("store.table is required (make one with 'engram store init')");
        Path p = Path.of(table);
        if (!Files.exists(p)) throw new UserError("no table file " + p + " (make one with 'engram store init')");
        ColdTable cold;
        try {
            cold = ColdTable.open(p, StoreLayout.of(spec), config.get(WRITABLE));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        TieredEmbeddingStore.Builder b = TieredEmbeddingStore.builder(spec, cold).ownsColdTable(true)
                .device(device(config.get(DEVICE)))
                .prefetchThreads(config.get(PREFETCH_THREADS))
                .hugePages(config.get(HUGE_PAGES))
                .maxHotRows(config.get(MAX_HOT_ROWS))
                .maxWarmRows(config.get(MAX_WARM_ROWS))
                .canonicalMapFingerprint(config.get(CANONICAL_MAP));
        String snaps = config.get(SNAPSHOTS);
        if (snaps != null) b.followSnapshots(Path.of(snaps), config.get(FOLLOW));
        if (config.get(KAFKA) != null || config.get(KAFKA_PROPERTIES) != null) {
            java.util.Properties props = new java.util.Properties();
            if (config.get(KAFKA_PROPERTIES) != null) {
                try (var in = Files.newInputStream(Path.of(config.get(KAFKA_PROPERTIES)))) {
                    props.load(in);
                }
            }
            if (config.get(KAFKA) != null) props.put("bootstrap.servers", config.get(KAFKA));
            b.followManifestTopic(props, config.get(MANIFEST_TOPIC));
        }
        return b.build();
    }
}
