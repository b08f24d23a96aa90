package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Records written with every older schema version still decode as the current classes. */
class SchemaCompatibilityTest {

    private static byte[] fixture(String file) throws IOException {
        try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream("/compat/" + file)) {
            assertNotNull(in, "missing frozen fixture " + file + " (write it with CompatFixtures.main)");
            return in.readAllBytes();
        }
    }

    @Test
    void theNewestVersionOfEverySchemaIsTheCompiledOne() {
        for (SpecificRecord r : Samples.all()) {
            Schema current = r.getSchema();
            List<Schema> versions = SchemaHistory.versions(current.getName());
            assertFalse(versions.isEmpty(), current.getName() + " has no history");
            assertEquals(SchemaHistory.fingerprint(current), SchemaHistory.fingerprint(versions.get(versions.size() - 1)),
                    current.getName() + " changed without a new history version");
        }
        assertEquals(7, SchemaHistory.names().size());
    }

    @Test
    void everyVersionCanBeReadAsTheCurrentSchema() {
        for (String name : SchemaHistory.names()) {
            Schema current = Codecs.forName(name).schema();
            for (Schema old : SchemaHistory.versions(name)) {
                assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                        SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType(), name);
            }
        }
    }

    @Test
    void corpusTokensVersion1DecodesWithTheDefaultsOfVersion2() throws Exception {
        byte[] b = fixture("CorpusTokens.v1.bin");
        assertEquals(2, SchemaHistory.versions("CorpusTokens").size());
        CorpusTokens t = Codecs.CORPUS_TOKENS.decode(b);
        assertEquals("doc-v1", t.getDocumentId());
        assertEquals("legacy", t.getSource());
        assertEquals("cl100k_base", t.getTokenizerId());
        assertArrayEquals(new int[] {10, 20, 65535}, TokenIds.toArray(t.getTokenIds()));
        assertEquals(Instant.ofEpochMilli(1_600_000_000_000L), t.getEventTime());
        assertNull(t.getCanonicalMapFingerprint());
        assertEquals(0, t.getChunkIndex());
        assertTrue(t.getLastChunk());
    }

    @Test
    void snapshotManifestVersion1DecodesWithTheDefaultsOfVersion2() throws Exception {
        SnapshotManifest m = Codecs.SNAPSHOT_MANIFEST.decode(fixture("SnapshotManifest.v1.bin"));
        assertEquals(12L, m.getVersion());
        assertEquals(11L, m.getPreviousVersion());
        assertEquals(1, m.getFormatVersion());
        assertEquals(Samples.T0, m.getCreatedTime());
        assertEquals(2, m.getSourceOffsets().size());
        assertEquals(2000L, m.getSourceOffsets().get(1).getOffset());
        assertEquals(Samples.T0.minusSeconds(5), m.getWatermark());
        assertEquals("", m.getFile());
        assertEquals("none", m.getCompression());
        assertEquals(1_273_800L, m.getRowsPerTier().getCold());
        assertEquals(8L << 30, m.getBudgets().getWarmBytes());
        assertEquals(0, m.getBudgets().getBytesPerRow());
        assertNull(m.getBudgets().getHotBytesPerLayer());
        assertNull(m.getDelta());
        assertEquals(0.81, m.getCoverage().getHotFraction());
        assertTrue(m.getCoverageCurve().isEmpty());
        // and core's view of it: the file name from the URI, no budgets without a row size
        io.engramstream.snapshot.SnapshotManifest core = SnapshotManifests.fromAvro(m);
        assertEquals("v12.arrow", core.file());
        assertNull(core.budgets());
        assertEquals(Map.of("engram.corpus.tokens-0", 1000L, "engram.corpus.tokens-1", 2000L), core.source().offsets());
    }

    @Test
    void inferenceRequestAndResponseVersion1DecodeWithoutTopK() throws Exception {
        InferenceRequest req = Codecs.INFERENCE_REQUEST.decode(fixture("InferenceRequest.v1.bin"));
        assertEquals("req-2", req.getRequestId());
        assertEquals(32, req.getMaxNewTokens());
        assertEquals(5, req.getTopK());
        InferenceResponse res = Codecs.INFERENCE_RESPONSE.decode(fixture("InferenceResponse.v1.bin"));
        assertEquals(" remembers", res.getText());
        assertArrayEquals(new int[] {3, 4, 5}, TokenIds.toArray(res.getGeneratedTokenIds()));
        assertEquals(0, TokenIds.count(res.getTopTokenIds()));
        assertEquals(0, PackedFloats.count(res.getTopProbabilities()));
    }

    @Test
    void everyFrozenFixtureDecodesToItsSample() throws Exception {
        Map<String, SpecificRecord> expected = Map.of(
                "CorpusText.v1.bin", Samples.text(),
                "CorpusTokens.v2.bin", Samples.tokens(),
                "InferenceTraffic.v1.bin", Samples.traffic(),
                "InferenceRequest.v2.bin", Samples.request(),
                "InferenceResponse.v2.bin", Samples.response(),
                "SnapshotManifest.v2.bin", Samples.manifest(),
                "DeadLetter.v1.bin", Samples.deadLetter());
        for (var e : expected.entrySet()) {
            RecordCodec<?> c = Codecs.forName(e.getValue().getSchema().getName());
            assertEquals(e.getValue(), c.decode(fixture(e.getKey())), e.getKey());
        }
    }

    @Test
    void freshlyWrittenFixturesMatchTheFrozenOnes() throws Exception {
        // Catches an edited history file: its bytes (and fingerprint) would no longer match.
        for (var e : CompatFixtures.all().entrySet()) {
            assertArrayEquals(fixture(e.getKey()), e.getValue(), e.getKey());
        }
    }

    @Test
    void anExtraWriterSchemaCanBeRegisteredIfCompatible() throws Exception {
        // A future writer that adds a field with a default; unknown until registered.
        Schema v3 = SchemaBuilder.record("CorpusText").namespace("io.engramstream.schemas").fields()
                .requiredString("documentId").requiredString("source")
                .name("language").type().optional().stringType()
                .requiredString("text").requiredInt("chunkIndex").requiredBoolean("lastChunk")
                .name("eventTime").type(org.apache.avro.LogicalTypes.timestampMillis()
                        .addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
                .name("license").type().stringType().stringDefault("cc-by")
                .endRecord();
        GenericRecord g = new GenericData.Record(v3);
        g.put("documentId", "d");
        g.put("source", "s");
        g.put("language", null);
        g.put("text", "hi");
        g.put("chunkIndex", 0);
        g.put("lastChunk", true);
        g.put("eventTime", 5L);
        g.put("license", "cc0");
        byte[] b = CompatFixtures.singleObject(v3, g);
        RecordCodec<CorpusText> codec = Codecs.CORPUS_TEXT.withLimits(CodecLimits.DEFAULT);
        assertEquals(ErrorKind.UNKNOWN_SCHEMA, assertThrows(RecordDecodeException.class, () -> codec.decode(b)).kind());
        codec.addWriterSchema(v3);
        CorpusText t = codec.decode(b);
        assertEquals("hi", t.getText());
        assertEquals(Instant.ofEpochMilli(5), t.getEventTime());

        Schema incompatible = SchemaBuilder.record("CorpusText").namespace("io.engramstream.schemas").fields()
                .requiredInt("documentId").endRecord();
        assertThrows(IllegalArgumentException.class, () -> codec.addWriterSchema(incompatible));
    }
}
