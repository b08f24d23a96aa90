package io.engramstream.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** One hand-written record of every kind, with every optional field set. */
final class Samples {
    private Samples() {}

    static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_123L);

    static CorpusText text() {
        return CorpusText.newBuilder().setDocumentId("europarl:42").setSource("europarl.lines.txt")
                .setLanguage("de").setText("Sehr geehrte Damen und Herren, ä ö ü ß \u20ac")
                .setChunkIndex(1).setLastChunk(false).setEventTime(T0).build();
    }

    static CorpusTokens tokens() {
        return CorpusTokens.newBuilder().setDocumentId("doc-7").setSource("sotu").setTokenizerId("deepseek-v3")
                .setCanonicalMapFingerprint("0123456789abcdef")
                .setTokenIds(TokenIds.pack(new int[] {0, 1, 127, 128, 98_626, 128_814, Integer.MAX_VALUE}))
                .setChunkIndex(3).setLastChunk(true).setEventTime(T0).build();
    }

    static InferenceTraffic traffic() {
        return InferenceTraffic.newBuilder().setRequestId("req-1").setSpecFingerprint("fedcba9876543210")
                .setPromptTokenIds(TokenIds.pack(new int[] {5, 6, 7})).setGeneratedTokenIds(TokenIds.pack(new int[] {8, 9}))
                .setEventTime(T0).build();
    }

    static InferenceRequest request() {
        return InferenceRequest.newBuilder().setRequestId("req-2").setPrompt("The Engram layer")
                .setPromptTokenIds(TokenIds.pack(new int[] {1, 2})).setMaxNewTokens(32).setTemperature(0.7f).setTopK(3)
                .setEventTime(T0).build();
    }

    static InferenceResponse response() {
        return InferenceResponse.newBuilder().setRequestId("req-2").setStatus(ResponseStatus.OK).setError(null)
                .setSpecFingerprint("fedcba9876543210").setSnapshotVersion(12L)
                .setGeneratedTokenIds(TokenIds.pack(new int[] {3, 4, 5})).setText(" remembers")
                .setTopTokenIds(TokenIds.pack(new int[] {3, 17, 99})).setTopProbabilities(PackedFloats.pack(0.5f, 0.25f, 0.125f))
                .setHotLookups(90).setWarmLookups(8).setColdLookups(2).setLatencyMicros(1234).setEventTime(T0).build();
    }

    static SnapshotManifest manifest() {
        return SnapshotManifest.newBuilder().setFormatVersion(1).setVersion(12).setPreviousVersion(11L)
                .setSpecFingerprint("fedcba9876543210").setCanonicalMapFingerprint("0123456789abcdef")
                .setCreatedTime(T0)
                .setSourceOffsets(List.of(new SourceOffset("engram.corpus.tokens", 0, 1000L),
                        new SourceOffset("engram.corpus.tokens", 1, 2000L)))
                .setWatermark(T0.minusSeconds(5)).setSourceTokens(3_000_000L).setSourceDescription("")
                .setFile("snapshot-000000000012.arrow")
                .setFileUri("file:///data/snapshots/snapshot-000000000012.arrow").setSha256("ab".repeat(32)).setBytes(123_456_789L)
                .setCompression("zstd")
                .setRowsPerTier(new TierRows(1000L, 20_000L, 1_273_800L))
                .setPromotions(40).setDemotions(38)
                .setDelta(new DeltaFile("delta-000000000012.arrow", "file:///data/snapshots/delta-000000000012.arrow",
                        "cd".repeat(32), 4096L, 11L, 78L))
                .setBudgets(new TierBudgets(1L << 30, 8L << 30, -1L, 256, List.of(1L << 29, 1L << 29), List.of(4L << 30, 4L << 30)))
                .setCoverageCurve(List.of(new CoveragePoint(1L, 256L, 0.01), new CoveragePoint(1024L, 262_144L, 0.6)))
                .setCoverage(new CoverageSummary(5_000_000L, 400_000L, 0.81, 0.15))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetters.of("engram.corpus.tokens", 2, 77L, new byte[] {1, 2, 3}, ErrorKind.TRUNCATED, "ends early", T0);
    }

    static List<org.apache.avro.specific.SpecificRecord> all() {
        return List.of(text(), tokens(), traffic(), request(), response(), manifest(), deadLetter());
    }

    /** ByteBuffer fields compare by remaining content; rewind them so equals() sees the data. */
    static ByteBuffer copy(ByteBuffer b) {
        return b.duplicate();
    }
}
