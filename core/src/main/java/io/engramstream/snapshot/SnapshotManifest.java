package io.engramstream.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.engramstream.placement.TierBudgets;
import java.io.Serializable;

/**
 * Describes one published snapshot version: what the {@code LATEST} file in a snapshot directory
 * holds (JSON), and what the job sends to the compacted manifest topic (the Avro
 * {@code io.engramstream.schemas.SnapshotManifest} mirrors these fields). File names are relative
 * to the snapshot directory; {@code uri} is absolute.
 *
 * @param formatVersion           snapshot file format ({@link SnapshotMetadata#FORMAT_VERSION})
 * @param version                 this version
 * @param previousVersion         the version this one replaces, null for the first
 * @param specFingerprint         spec fingerprint of the tables
 * @param canonicalMapFingerprint canonical-map fingerprint of the token ids
 * @param createdAt               creation time, epoch ms
 * @param source                  input position the statistics reflect
 * @param file                    full snapshot file name
 * @param uri                     full snapshot URI
 * @param sha256                  SHA-256 of the full snapshot file (hex)
 * @param bytes                   size of the full snapshot file
 * @param compression             {@code none} or {@code zstd}
 * @param hotRows                 rows in the hot tier
 * @param warmRows                rows in the warm tier
 * @param promotions              rows that moved to a faster tier since {@code previousVersion}
 * @param demotions               rows that moved to a slower tier since {@code previousVersion}
 * @param delta                   the delta file from {@code previousVersion}, null when none
 * @param budgets                 tier budgets
 * @param coverage                share of recent lookups a hot tier of K rows serves
 */
public record SnapshotManifest(int formatVersion, long version, Long previousVersion, String specFingerprint,
                               String canonicalMapFingerprint, long createdAt, SourcePosition source, String file,
                               String uri, String sha256, long bytes, String compression, long hotRows, long warmRows,
                               long promotions, long demotions, DeltaFile delta, TierBudgets budgets,
                               CoverageCurve coverage) implements Serializable {

    /** The delta file published with a version: changes from {@code baseVersion}. */
    public record DeltaFile(String file, String uri, String sha256, long bytes, long baseVersion, long rows)
            implements Serializable {}

    public SnapshotManifest {
        if (version <= 0) throw new IllegalArgumentException("version must be positive");
        if (file == null || file.isEmpty()) throw new IllegalArgumentException("file is required");
        source = source == null ? SourcePosition.NONE : source;
        coverage = coverage == null ? CoverageCurve.EMPTY : coverage;
        specFingerprint = specFingerprint == null ? "" : specFingerprint;
        canonicalMapFingerprint = canonicalMapFingerprint == null ? "" : canonicalMapFingerprint;
        compression = compression == null ? "none" : compression;
    }

    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SnapshotManifest fromJson(String json) {
        try {
            SnapshotManifest m = Json.MAPPER.readValue(json, SnapshotManifest.class);
            if (m == null) throw new IllegalArgumentException("bad snapshot manifest: JSON null");
            return m;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad snapshot manifest JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad snapshot manifest: " + e.getMessage(), e);
        }
    }

    /** Hot-tier bytes in use ({@code hotRows * bytesPerRow}), 0 without budgets. */
    public long hotBytesUsed() { return budgets == null ? 0 : hotRows * budgets.getBytesPerRow(); }

    public long warmBytesUsed() { return budgets == null ? 0 : warmRows * budgets.getBytesPerRow(); }
}
