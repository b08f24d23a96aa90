package io.engramstream.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes the compatibility fixtures: one single-object message per schema version, each written
 * with exactly that version's schema (generic writer, not the current classes). The files under
 * {@code src/test/resources/compat/} are frozen: write them once when a version is added
 * ({@code main(dir)}), never regenerate old ones.
 */
final class CompatFixtures {
    private CompatFixtures() {}

    /** fixture file name -> bytes, for every version in the history. */
    static Map<String, byte[]> all() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (SpecificRecord r : Samples.all()) {
            String name = r.getSchema().getName();
            var versions = SchemaHistory.versions(name);
            for (int v = 1; v <= versions.size(); v++) {
                Schema s = versions.get(v - 1);
                GenericRecord g = name.equals("CorpusTokens") && v == 1 ? corpusTokensV1(s)
                        : name.equals("SnapshotManifest") && v == 1 ? snapshotManifestV1(s) : asGeneric(r, s);
                out.put(name + ".v" + v + ".bin", singleObject(s, g));
            }
        }
        return out;
    }

    /** CorpusTokens as version 1 wrote it: no chunks, no canonical-map fingerprint. */
    static GenericRecord corpusTokensV1(Schema v1) {
        GenericRecord g = new GenericData.Record(v1);
        g.put("documentId", "doc-v1");
        g.put("source", "legacy");
        g.put("tokenizerId", "cl100k_base");
        g.put("tokenIds", ByteBuffer.wrap(new byte[] {10, 0, 0, 0, 20, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0}));
        g.put("eventTime", 1_600_000_000_000L);
        return g;
    }

    /** SnapshotManifest as version 1 wrote it (the values of the sample frozen in SnapshotManifest.v1.bin). */
    static GenericRecord snapshotManifestV1(Schema v1) {
        long t0 = Samples.T0.toEpochMilli();
        GenericRecord g = new GenericData.Record(v1);
        g.put("version", 12L);
        g.put("previousVersion", 11L);
        g.put("kind", new GenericData.EnumSymbol(v1.getField("kind").schema(), "DELTA"));
        g.put("specFingerprint", "fedcba9876543210");
        g.put("canonicalMapFingerprint", "0123456789abcdef");
        g.put("createdTime", t0);
        Schema offsetSchema = v1.getField("sourceOffsets").schema().getElementType();
        java.util.List<GenericRecord> offsets = new java.util.ArrayList<>();
        for (long[] o : new long[][] {{0, 1000}, {1, 2000}}) {
            GenericRecord so = new GenericData.Record(offsetSchema);
            so.put("topic", "engram.corpus.tokens");
            so.put("partition", (int) o[0]);
            so.put("offset", o[1]);
            offsets.add(so);
        }
        g.put("sourceOffsets", offsets);
        g.put("watermark", t0 - 5000);
        g.put("fileUri", "file:///data/snapshots/v12.arrow");
        g.put("sha256", "ab".repeat(32));
        g.put("bytes", 123_456_789L);
        GenericRecord rows = new GenericData.Record(v1.getField("rowsPerTier").schema());
        rows.put("hot", 1000L);
        rows.put("warm", 20_000L);
        rows.put("cold", 1_273_800L);
        g.put("rowsPerTier", rows);
        GenericRecord budgets = new GenericData.Record(v1.getField("budgets").schema());
        budgets.put("hotBytes", 1L << 30);
        budgets.put("warmBytes", 8L << 30);
        budgets.put("coldBytes", -1L);
        g.put("budgets", budgets);
        GenericRecord cov = new GenericData.Record(v1.getField("coverage").schema());
        cov.put("lookupsCounted", 5_000_000L);
        cov.put("distinctRows", 400_000L);
        cov.put("hotFraction", 0.81);
        cov.put("warmFraction", 0.15);
        g.put("coverage", cov);
        return g;
    }

    /**
     * The current record as an older version with a subset of its fields would have written it
     * (Avro resolution: writer = current schema, reader = the version; fields the version lacks
     * are dropped).
     */
    private static GenericRecord asGeneric(SpecificRecord r, Schema s) {
        try {
            var w = new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(r.getSchema(),
                    org.apache.avro.specific.SpecificData.getForClass(r.getClass()));
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(bo, null);
            w.write(r, e);
            e.flush();
            var reader = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(r.getSchema(), s);
            return reader.read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(bo.toByteArray(), null));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static byte[] singleObject(Schema s, GenericRecord g) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        long fp = SchemaHistory.fingerprint(s);
        bo.write(0xC3);
        bo.write(0x01);
        for (int i = 0; i < 8; i++) bo.write((int) (fp >>> (8 * i)) & 0xff);
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(bo, null);
        new GenericDatumWriter<GenericRecord>(s).write(g, e);
        e.flush();
        return bo.toByteArray();
    }

    /** Writes the fixtures that do not exist yet into {@code args[0]} (existing ones stay frozen). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (var e : all().entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (Files.exists(f)) continue;
            Files.write(f, e.getValue());
            System.out.println("wrote " + f);
        }
    }
}
