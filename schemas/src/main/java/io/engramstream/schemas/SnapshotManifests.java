package io.engramstream.schemas;

import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.SourcePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between core's snapshot manifest ({@link io.engramstream.snapshot.SnapshotManifest},
 * the JSON in a snapshot directory's {@code LATEST}) and the Avro {@link SnapshotManifest} on
 * the manifest topic. Lossless from core to Avro and back; version-1 Avro records (no file
 * name, no row size) come back with the file name taken from the URI and no budgets.
 */
public final class SnapshotManifests {
    private SnapshotManifests() {}

    /** The Avro form of a core manifest. */
    public static SnapshotManifest toAvro(io.engramstream.snapshot.SnapshotManifest m) {
        SourcePosition src = m.source();
        List<SourceOffset> offsets = new ArrayList<>();
        for (Map.Entry<String, Long> e : src.offsets().entrySet()) offsets.add(sourceOffset(e.getKey(), e.getValue()));
        List<CoveragePoint> curve = new ArrayList<>();
        for (CoverageCurve.Point p : m.coverage().points()) curve.add(new CoveragePoint(p.rows(), p.bytes(), p.share()));
        io.engramstream.snapshot.SnapshotManifest.DeltaFile d = m.delta();
        return SnapshotManifest.newBuilder()
                .setFormatVersion(m.formatVersion())
                .setVersion(m.version())
                .setPreviousVersion(m.previousVersion())
                .setSpecFingerprint(m.specFingerprint())
                .setCanonicalMapFingerprint(m.canonicalMapFingerprint())
                .setCreatedTime(Instant.ofEpochMilli(m.createdAt()))
                .setSourceOffsets(offsets)
                .setWatermark(src.watermark() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(src.watermark()))
                .setSourceTokens(src.tokens())
                .setSourceDescription(src.description())
                .setFile(m.file())
                .setFileUri(m.uri() == null ? "" : m.uri())
                .setSha256(m.sha256() == null ? "" : m.sha256())
                .setBytes(m.bytes())
                .setCompression(m.compression())
                .setRowsPerTier(new TierRows(m.hotRows(), m.warmRows(), -1L))
                .setPromotions(m.promotions())
                .setDemotions(m.demotions())
                .setDelta(d == null ? null : new DeltaFile(d.file(), d.uri() == null ? "" : d.uri(),
                        d.sha256() == null ? "" : d.sha256(), d.bytes(), d.baseVersion(), d.rows()))
                .setBudgets(m.budgets() == null ? null : budgets(m.budgets()))
                .setCoverageCurve(curve)
                .setCoverage(null)
                .build();
    }

    /** The core form of an Avro manifest (any schema version). */
    public static io.engramstream.snapshot.SnapshotManifest fromAvro(SnapshotManifest a) {
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (SourceOffset o : a.getSourceOffsets()) {
            offsets.put(o.getPartition() < 0 ? o.getTopic() : o.getTopic() + "-" + o.getPartition(), o.getOffset());
        }
        SourcePosition src = new SourcePosition(offsets,
                a.getWatermark() == null ? Long.MIN_VALUE : a.getWatermark().toEpochMilli(),
                a.getSourceTokens(), a.getSourceDescription());
        List<CoverageCurve.Point> points = new ArrayList<>();
        for (CoveragePoint p : a.getCoverageCurve()) points.add(new CoverageCurve.Point(p.getRows(), p.getBytes(), p.getShare()));
        DeltaFile d = a.getDelta();
        String file = a.getFile().isEmpty() ? lastSegment(a.getFileUri()) : a.getFile();
        TierBudgets b = a.getBudgets();
        return new io.engramstream.snapshot.SnapshotManifest(a.getFormatVersion(), a.getVersion(), a.getPreviousVersion(),
                a.getSpecFingerprint(), a.getCanonicalMapFingerprint(), a.getCreatedTime().toEpochMilli(), src,
                file, a.getFileUri(), a.getSha256(), a.getBytes(), a.getCompression(),
                a.getRowsPerTier().getHot(), a.getRowsPerTier().getWarm(), a.getPromotions(), a.getDemotions(),
                d == null ? null : new io.engramstream.snapshot.SnapshotManifest.DeltaFile(d.getFile(), d.getUri(),
                        d.getSha256(), d.getBytes(), d.getBaseVersion(), d.getRows()),
                b == null || b.getBytesPerRow() <= 0 ? null : coreBudgets(b),
                new CoverageCurve(points));
    }

    private static SourceOffset sourceOffset(String key, long offset) {
        int dash = key.lastIndexOf('-');
        if (dash > 0 && dash < key.length() - 1) {
            String p = key.substring(dash + 1);
            if (p.chars().allMatch(Character::isDigit) && p.length() < 10) {
                return new SourceOffset(key.substring(0, dash), Integer.parseInt(p), offset);
            }
        }
        return new SourceOffset(key, -1, offset);
    }

    private static TierBudgets budgets(io.engramstream.placement.TierBudgets b) {
        return new TierBudgets(b.getHotBytes(), b.getWarmBytes(), -1L, b.getBytesPerRow(),
                toList(b.getHotBytesPerLayer()), toList(b.getWarmBytesPerLayer()));
    }

    private static io.engramstream.placement.TierBudgets coreBudgets(TierBudgets b) {
        return new io.engramstream.placement.TierBudgets(b.getBytesPerRow(), b.getHotBytes(), b.getWarmBytes(),
                toArray(b.getHotBytesPerLayer()), toArray(b.getWarmBytesPerLayer()));
    }

    private static List<Long> toList(long[] a) {
        if (a == null) return null;
        List<Long> l = new ArrayList<>(a.length);
        for (long x : a) l.add(x);
        return l;
    }

    private static long[] toArray(List<Long> l) {
        if (l == null) return null;
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    private static String lastSegment(String uri) {
        int slash = uri.lastIndexOf('/');
        return slash >= 0 && slash < uri.length() - 1 ? uri.substring(slash + 1) : uri.isEmpty() ? "snapshot" : uri;
    }
}
