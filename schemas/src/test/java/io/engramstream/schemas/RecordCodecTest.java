package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encodeAny(SpecificRecord r) {
        return ((RecordCodec) Codecs.forClass(r.getClass())).encode(r);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static SpecificRecord decodeAny(Class<?> type, byte[] b) throws RecordDecodeException {
        return ((RecordCodec) Codecs.forClass((Class) type)).decode(b);
    }

    @Test
    void everyRecordKindRoundTrips() throws Exception {
        for (SpecificRecord r : Samples.all()) {
            byte[] b = encodeAny(r);
            assertEquals(r, decodeAny(r.getClass(), b), r.getSchema().getName());
        }
    }

    @Test
    void headerIsAvroSingleObjectEncodingWithTheSchemaFingerprint() {
        byte[] b = Codecs.CORPUS_TEXT.encode(Samples.text());
        assertEquals((byte) 0xC3, b[0]);
        assertEquals((byte) 0x01, b[1]);
        long fp = ByteBuffer.wrap(b, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(org.apache.avro.SchemaNormalization.parsingFingerprint64(CorpusText.getClassSchema()), fp);
    }

    @Test
    void avrosOwnMessageDecoderReadsOurBytesAndViceVersa() throws Exception {
        CorpusTokens t = Samples.tokens();
        BinaryMessageDecoder<CorpusTokens> avroDecoder = new BinaryMessageDecoder<>(
                SpecificData.getForClass(CorpusTokens.class), CorpusTokens.getClassSchema());
        assertEquals(t, avroDecoder.decode(Codecs.CORPUS_TOKENS.encode(t)));

        BinaryMessageEncoder<CorpusTokens> avroEncoder = new BinaryMessageEncoder<>(
                SpecificData.getForClass(CorpusTokens.class), CorpusTokens.getClassSchema());
        ByteBuffer enc = avroEncoder.encode(Samples.tokens());
        byte[] bytes = new byte[enc.remaining()];
        enc.get(bytes);
        assertArrayEquals(bytes, Codecs.CORPUS_TOKENS.encode(t));
        assertEquals(t, Codecs.CORPUS_TOKENS.decode(bytes));
    }

    @Test
    void packedTokenIdsAreLittleEndianInt32OnTheWire() throws Exception {
        CorpusTokens t = Samples.tokens();
        t.setTokenIds(TokenIds.pack(new int[] {1, 0x01020304, -1}));
        byte[] b = Codecs.CORPUS_TOKENS.encode(t);
        // bytes field: zig-zag length 12 -> 0x18, then the ids little-endian.
        String hex = HexFormat.of().formatHex(b);
        assertEquals(true, hex.contains("18" + "01000000" + "04030201" + "ffffffff"), hex);
        assertArrayEquals(new int[] {1, 0x01020304, -1}, TokenIds.toArray(Codecs.CORPUS_TOKENS.decode(b).getTokenIds()));
    }

    @Test
    void decodingIntoAReusedRecordReusesItsTokenBuffer() throws Exception {
        byte[] b = Codecs.CORPUS_TOKENS.encode(Samples.tokens());
        CorpusTokens reuse = Codecs.CORPUS_TOKENS.decode(b);
        ByteBuffer first = reuse.getTokenIds();
        CorpusTokens again = Codecs.CORPUS_TOKENS.decode(b, reuse);
        assertSame(reuse, again);
        assertSame(first, again.getTokenIds());
        assertEquals(Samples.tokens(), again);
        // A record with more tokens than the buffer holds gets a fresh buffer.
        CorpusTokens big = Samples.tokens();
        big.setTokenIds(TokenIds.pack(new int[100]));
        CorpusTokens bigger = Codecs.CORPUS_TOKENS.decode(Codecs.CORPUS_TOKENS.encode(big), reuse);
        assertNotSame(first, bigger.getTokenIds());
        assertEquals(100, TokenIds.count(bigger.getTokenIds()));
    }

    @Test
    void encodingARecordOverTheMessageLimitFailsWithAHint() {
        RecordCodec<CorpusTokens> small = Codecs.CORPUS_TOKENS.withLimits(CodecLimits.DEFAULT.withMaxMessageBytes(1000));
        CorpusTokens t = Samples.tokens();
        t.setTokenIds(TokenIds.pack(new int[1000]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.encode(t));
        assertEquals(true, e.getMessage().contains("chunks"), e.getMessage());
    }

    @Test
    void aRecordOfAnotherKindIsRejectedAsUnknownSchemaNamingTheKind() {
        byte[] text = Codecs.CORPUS_TEXT.encode(Samples.text());
        RecordDecodeException e = assertThrows(RecordDecodeException.class, () -> Codecs.CORPUS_TOKENS.decode(text));
        assertEquals(ErrorKind.UNKNOWN_SCHEMA, e.kind());
        assertEquals(true, e.reason().contains("CorpusText"), e.reason());
        assertSame(Codecs.CORPUS_TEXT, Codecs.detect(text));
    }

    @Test
    void tooManyTokensIsOversize() {
        RecordCodec<CorpusTokens> c = Codecs.CORPUS_TOKENS.withLimits(CodecLimits.DEFAULT.withMaxTokens(6));
        byte[] b = c.encode(Samples.tokens()); // 7 tokens
        RecordDecodeException e = assertThrows(RecordDecodeException.class, () -> c.decode(b));
        assertEquals(ErrorKind.OVERSIZE, e.kind());
    }

    @Test
    void arraysWrittenInByteSizedBlocksDecode() throws Exception {
        // Avro's blocking encoder writes negative block counts followed by the block's byte size.
        SnapshotManifest m = Samples.manifest();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(Codecs.SNAPSHOT_MANIFEST.encode(m), 0, 10);
        org.apache.avro.io.BinaryEncoder e = org.apache.avro.io.EncoderFactory.get().blockingBinaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<SnapshotManifest>(SnapshotManifest.getClassSchema(),
                SpecificData.getForClass(SnapshotManifest.class)).write(m, e);
        e.flush();
        byte[] b = out.toByteArray();
        assertEquals(false, java.util.Arrays.equals(b, Codecs.SNAPSHOT_MANIFEST.encode(m)));
        assertEquals(m, Codecs.SNAPSHOT_MANIFEST.decode(b));
    }

    @Test
    void aResponseWhoseTopTokensAndProbabilitiesDisagreeIsAnInvalidField() {
        InferenceResponse r = Samples.response();
        r.setTopProbabilities(PackedFloats.pack(0.9f));
        byte[] b = Codecs.INFERENCE_RESPONSE.encode(r);
        RecordDecodeException e = assertThrows(RecordDecodeException.class, () -> Codecs.INFERENCE_RESPONSE.decode(b));
        assertEquals(ErrorKind.INVALID_FIELD, e.kind());
        assertEquals(true, e.reason().contains("topTokenIds has 3 ids but topProbabilities 1"), e.reason());
    }
}
