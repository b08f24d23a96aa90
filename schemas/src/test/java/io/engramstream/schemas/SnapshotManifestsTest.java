package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.engramstream.placement.TierBudgets;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SourcePosition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotManifestsTest {

    static SnapshotManifest coreManifest(TierBudgets budgets, SnapshotManifest.DeltaFile delta, long watermark) {
        return new SnapshotManifest(1, 7, 6L, "fedcba9876543210", "0123456789abcdef", 1_700_000_000_000L,
                new SourcePosition(Map.of("engram.corpus.tokens-0", 10L, "engram.corpus.tokens-11", 20L, "corpus.txt", 99L),
                        watermark, 123_456L, "line 99 of corpus.txt"),
                "snapshot-000000000007.arrow", "file:///s/snapshot-000000000007.arrow", "ab".repeat(32), 1000L, "zstd",
                10L, 20L, 3L, 4L, delta, budgets,
                new CoverageCurve(List.of(new CoverageCurve.Point(1, 256, 0.1), new CoverageCurve.Point(2, 512, 0.15))));
    }

    @Test
    void coreToAvroAndBackIsLossless() throws Exception {
        SnapshotManifest full = coreManifest(TierBudgets.perLayer(256, new long[] {512, 1024}, new long[] {2048, 4096}),
                new SnapshotManifest.DeltaFile("delta-000000000007.arrow", "file:///s/delta-000000000007.arrow", "cd".repeat(32), 100L, 6L, 5L),
                1_699_999_999_000L);
        SnapshotManifest bare = coreManifest(null, null, Long.MIN_VALUE);
        for (SnapshotManifest m : List.of(full, bare)) {
            io.engramstream.schemas.SnapshotManifest a = SnapshotManifests.toAvro(m);
            // through the wire format too
            io.engramstream.schemas.SnapshotManifest back = Codecs.SNAPSHOT_MANIFEST.decode(Codecs.SNAPSHOT_MANIFEST.encode(a));
            assertEquals(m, SnapshotManifests.fromAvro(back));
        }
    }

    @Test
    void theAvroFieldsSayWhatCoreSays() {
        SnapshotManifest m = coreManifest(TierBudgets.global(256, 1 << 20, 1 << 24), null, 5L);
        io.engramstream.schemas.SnapshotManifest a = SnapshotManifests.toAvro(m);
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), a.getCreatedTime());
        assertEquals(Instant.ofEpochMilli(5L), a.getWatermark());
        assertEquals(List.of(new SourceOffset("corpus.txt", -1, 99L), new SourceOffset("engram.corpus.tokens", 0, 10L),
                new SourceOffset("engram.corpus.tokens", 11, 20L)), a.getSourceOffsets());
        assertEquals(10L, a.getRowsPerTier().getHot());
        assertEquals(20L, a.getRowsPerTier().getWarm());
        assertEquals(-1L, a.getRowsPerTier().getCold());
        assertEquals(256, a.getBudgets().getBytesPerRow());
        assertNull(a.getBudgets().getHotBytesPerLayer());
        assertEquals(2, a.getCoverageCurve().size());
        assertNull(a.getCoverage());
        assertNull(a.getDelta());
    }
}
