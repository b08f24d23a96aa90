package io.engramstream.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.engramstream.placement.TierBudgets;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a snapshot file says about itself, stored as Arrow schema metadata (string key/values,
 * keys below). {@code baseVersion} is the version a delta applies to; for a full snapshot it is
 * the previous published version (or -1).
 *
 * @param kind                    full snapshot or delta
 * @param version                 this version (positive, increasing)
 * @param baseVersion             previous version, -1 when none
 * @param specFingerprint         {@code EngramSpec.fingerprint()} of the tables
 * @param canonicalMapFingerprint {@code CanonicalMap.fingerprint()} of the token ids hashed
 * @param createdAtMillis         creation time, epoch milliseconds
 * @param source                  input position the statistics reflect
 * @param budgets                 tier budgets used (may be null)
 * @param layerIds                the spec's layer ids by layer index ({@code layer} column holds the index)
 */
public record SnapshotMetadata(SnapshotKind kind, long version, long baseVersion, String specFingerprint,
                               String canonicalMapFingerprint, long createdAtMillis, SourcePosition source,
                               TierBudgets budgets, List<Integer> layerIds) implements Serializable {

    /** Format of the file, bumped on incompatible column changes. */
    public static final int FORMAT_VERSION = 1;

    public static final String KEY_FORMAT = "engram.format_version";
    public static final String KEY_KIND = "engram.kind";
    public static final String KEY_VERSION = "engram.version";
    public static final String KEY_BASE_VERSION = "engram.base_version";
    public static final String KEY_SPEC = "engram.spec_fingerprint";
    public static final String KEY_CANONICAL_MAP = "engram.canonical_map_fingerprint";
    public static final String KEY_CREATED_AT = "engram.created_at";
    public static final String KEY_CREATED_AT_MS = "engram.created_at_ms";
    public static final String KEY_SOURCE = "engram.source_position";
    public static final String KEY_BUDGETS = "engram.budgets";
    public static final String KEY_LAYER_IDS = "engram.layer_ids";
    public static final String KEY_TIERS = "engram.tier_codes";
    public static final String KEY_ROWS_HOT = "engram.rows_hot";
    public static final String KEY_ROWS_WARM = "engram.rows_warm";
    public static final String KEY_ROWS = "engram.rows";

    public SnapshotMetadata {
        if (kind == null) throw new IllegalArgumentException("kind is required");
        if (version <= 0) throw new IllegalArgumentException("version must be positive: " + version);
        if (kind == SnapshotKind.DELTA && baseVersion <= 0) throw new IllegalArgumentException("a delta needs a base version");
        if (baseVersion >= version) throw new IllegalArgumentException("base version " + baseVersion + " must precede " + version);
        specFingerprint = specFingerprint == null ? "" : specFingerprint;
        canonicalMapFingerprint = canonicalMapFingerprint == null ? "" : canonicalMapFingerprint;
        source = source == null ? SourcePosition.NONE : source;
        layerIds = layerIds == null ? List.of() : List.copyOf(layerIds);
    }

    /** Metadata of a full snapshot. */
    public static SnapshotMetadata full(long version, long previousVersion, String specFingerprint, String canonicalMapFingerprint,
                                        long createdAtMillis, SourcePosition source, TierBudgets budgets, List<Integer> layerIds) {
        return new SnapshotMetadata(SnapshotKind.FULL, version, previousVersion, specFingerprint, canonicalMapFingerprint,
                createdAtMillis, source, budgets, layerIds);
    }

    /** The same metadata for the delta from {@code baseVersion()} to {@code version()}. */
    public SnapshotMetadata asDelta() {
        return new SnapshotMetadata(SnapshotKind.DELTA, version, baseVersion, specFingerprint, canonicalMapFingerprint,
                createdAtMillis, source, budgets, layerIds);
    }

    /** Schema metadata entries; row counts are added by the writer. */
    public Map<String, String> toSchemaMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, Integer.toString(FORMAT_VERSION));
        m.put(KEY_KIND, kind.label());
        m.put(KEY_VERSION, Long.toString(version));
        m.put(KEY_BASE_VERSION, Long.toString(baseVersion));
        m.put(KEY_SPEC, specFingerprint);
        m.put(KEY_CANONICAL_MAP, canonicalMapFingerprint);
        m.put(KEY_CREATED_AT, Instant.ofEpochMilli(createdAtMillis).toString());
        m.put(KEY_CREATED_AT_MS, Long.toString(createdAtMillis));
        m.put(KEY_SOURCE, source.toJson());
        try {
            m.put(KEY_BUDGETS, budgets == null ? "null" : Json.COMPACT.writeValueAsString(budgets));
            m.put(KEY_LAYER_IDS, Json.COMPACT.writeValueAsString(layerIds));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        m.put(KEY_TIERS, "0=hot,1=warm,2=cold");
        return m;
    }

    /** Parses schema metadata written by {@link #toSchemaMetadata()}. */
    public static SnapshotMetadata fromSchemaMetadata(Map<String, String> m) {
        String format = m.get(KEY_FORMAT);
        if (format == null) throw new IllegalArgumentException("not an engram snapshot: schema metadata has no " + KEY_FORMAT);
        if (Integer.parseInt(format) > FORMAT_VERSION)
            throw new IllegalArgumentException("snapshot format " + format + " is newer than this reader (" + FORMAT_VERSION + ")");
        try {
            String b = m.getOrDefault(KEY_BUDGETS, "null");
            TierBudgets budgets = b.equals("null") ? null : Json.MAPPER.readValue(b, TierBudgets.class);
            List<Integer> layers = new ArrayList<>();
            for (Object o : Json.MAPPER.readValue(m.getOrDefault(KEY_LAYER_IDS, "[]"), List.class)) layers.add(((Number) o).intValue());
            return new SnapshotMetadata(SnapshotKind.of(m.get(KEY_KIND)), Long.parseLong(m.get(KEY_VERSION)),
                    Long.parseLong(m.getOrDefault(KEY_BASE_VERSION, "-1")), m.get(KEY_SPEC), m.get(KEY_CANONICAL_MAP),
                    Long.parseLong(m.get(KEY_CREATED_AT_MS)), SourcePosition.fromJson(m.getOrDefault(KEY_SOURCE, "{}")),
                    budgets, layers);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("bad snapshot metadata: " + e.getMessage(), e);
        }
    }
}
