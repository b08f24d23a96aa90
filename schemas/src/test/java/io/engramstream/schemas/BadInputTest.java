package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated, oversized and lying messages: each ends as a RecordDecodeException of the
 * right kind, nothing else escapes, and no decode allocates much more than the message.
 */
class BadInputTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static ErrorKind kindOf(RecordCodec<?> codec, byte[] b) {
        try {
            codec.decode(b, 0, b.length, null);
            return null;
        } catch (RecordDecodeException e) {
            return e.kind();
        }
    }

    private static RecordDecodeException reject(RecordCodec<?> codec, byte[] b) {
        return assertThrows(RecordDecodeException.class, () -> codec.decode(b, 0, b.length, null));
    }

    /** Header of a current CorpusText message, followed by a hand-written body. */
    private static byte[] withBody(RecordCodec<?> codec, Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] valid = Codecs.CORPUS_TEXT == codec ? Codecs.CORPUS_TEXT.encode(Samples.text())
                : Codecs.SNAPSHOT_MANIFEST == codec ? Codecs.SNAPSHOT_MANIFEST.encode(Samples.manifest())
                : Codecs.DEAD_LETTER.encode(Samples.deadLetter());
        out.write(valid, 0, 10);
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        body.write(e);
        e.flush();
        return out.toByteArray();
    }

    interface Body { void write(BinaryEncoder e) throws IOException; }

    @Test
    void emptyAndNullValuesAreEmpty() {
        assertEquals(ErrorKind.EMPTY, assertThrows(RecordDecodeException.class, () -> Codecs.CORPUS_TEXT.decode(null)).kind());
        assertEquals(ErrorKind.EMPTY, reject(Codecs.CORPUS_TEXT, new byte[0]).kind());
    }

    @Test
    void textThatIsNotAvroHasABadHeader() {
        RecordDecodeException e = reject(Codecs.CORPUS_TOKENS, "{\"documentId\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorKind.BAD_HEADER, e.kind());
        assertTrue(e.reason().contains("7b22"), e.reason());
        assertEquals(ErrorKind.BAD_HEADER, reject(Codecs.CORPUS_TOKENS, new byte[] {(byte) 0xC3, 0x02, 0, 0}).kind());
    }

    @Test
    void anUnknownFingerprintIsUnknownSchema() {
        byte[] b = Codecs.CORPUS_TEXT.encode(Samples.text());
        b[5] ^= 0x55;
        RecordDecodeException e = reject(Codecs.CORPUS_TEXT, b);
        assertEquals(ErrorKind.UNKNOWN_SCHEMA, e.kind());
        assertTrue(e.reason().contains("not a known version of CorpusText"), e.reason());
    }

    @Test
    void everyStrictPrefixOfEveryRecordIsTruncated() {
        for (SpecificRecord r : Samples.all()) {
            RecordCodec<?> c = Codecs.forName(r.getSchema().getName());
            byte[] full = encode(c, r);
            for (int n = 1; n < full.length; n++) {
                assertEquals(ErrorKind.TRUNCATED, kindOf(c, Arrays.copyOf(full, n)), r.getSchema().getName() + " cut at " + n);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(RecordCodec c, SpecificRecord r) {
        return c.encode(r);
    }

    @Test
    void trailingBytesAfterACompleteRecordAreUndecodable() {
        byte[] full = Codecs.CORPUS_TEXT.encode(Samples.text());
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        RecordDecodeException e = reject(Codecs.CORPUS_TEXT, longer);
        assertEquals(ErrorKind.UNDECODABLE, e.kind());
        assertTrue(e.reason().contains("3 trailing bytes"), e.reason());
    }

    @Test
    void aMessageOverTheSizeLimitIsOversizeBeforeAnyDecoding() {
        RecordCodec<CorpusText> small = Codecs.CORPUS_TEXT.withLimits(CodecLimits.DEFAULT.withMaxMessageBytes(64));
        byte[] garbage = new byte[65];
        assertEquals(ErrorKind.OVERSIZE, reject(small, garbage).kind());
    }

    @Test
    void aStringClaimingTwoGigabytesIsOversizeWithoutAllocatingIt() throws IOException {
        byte[] b = withBody(Codecs.CORPUS_TEXT, e -> e.writeLong(Integer.MAX_VALUE));
        assertTrue(b.length < 20);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        RecordDecodeException e = reject(Codecs.CORPUS_TEXT, b);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertEquals(ErrorKind.OVERSIZE, e.kind());
        assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void aLengthUnderEveryLimitButBeyondTheMessageIsTruncatedWithoutAllocatingIt() throws IOException {
        // 4 MiB is below our string limit and below Avro's JVM-wide limit: only the
        // remaining-bytes check stands between this 15-byte message and a 4 MiB allocation.
        byte[] b = withBody(Codecs.CORPUS_TEXT, e -> e.writeLong(4L << 20));
        long before = THREADS.getCurrentThreadAllocatedBytes();
        RecordDecodeException e = reject(Codecs.CORPUS_TEXT, b);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertEquals(ErrorKind.TRUNCATED, e.kind());
        assertTrue(allocated < 256 << 10, "allocated " + allocated + " bytes");
    }

    @Test
    void anArrayClaimingATrillionItemsIsRejectedWithoutAllocatingIt() throws IOException {
        byte[] b = withBody(Codecs.SNAPSHOT_MANIFEST, e -> {
            e.writeLong(12);          // version
            e.writeIndex(0);          // previousVersion: null
            e.writeEnum(0);           // kind FULL
            e.writeString("fp");      // specFingerprint
            e.writeString("cm");      // canonicalMapFingerprint
            e.writeLong(0);           // createdTime
            e.writeLong(1L << 40);    // sourceOffsets: first block claims 2^40 items
        });
        long before = THREADS.getCurrentThreadAllocatedBytes();
        RecordDecodeException e = reject(Codecs.SNAPSHOT_MANIFEST, b);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertEquals(ErrorKind.TRUNCATED, e.kind());
        assertTrue(allocated < 256 << 10, "allocated " + allocated + " bytes");

        RecordCodec<SnapshotManifest> few = Codecs.SNAPSHOT_MANIFEST.withLimits(CodecLimits.DEFAULT.withMaxCollectionItems(1));
        assertEquals(ErrorKind.OVERSIZE, reject(few, Codecs.SNAPSHOT_MANIFEST.encode(Samples.manifest())).kind());
    }

    @Test
    void badUnionEnumAndBooleanBytesAreUndecodable() throws IOException {
        byte[] union = withBody(Codecs.CORPUS_TEXT, e -> {
            e.writeString("d");
            e.writeString("s");
            e.writeIndex(7); // language: union has 2 branches
            e.writeString("x");
            e.writeInt(0);
            e.writeBoolean(true);
            e.writeLong(0);
        });
        assertEquals(ErrorKind.UNDECODABLE, reject(Codecs.CORPUS_TEXT, union).kind());

        byte[] bool = withBody(Codecs.CORPUS_TEXT, e -> {
            e.writeString("d");
            e.writeString("s");
            e.writeIndex(0);
            e.writeString("x");
            e.writeInt(0);
            e.writeFixed(new byte[] {2}); // boolean byte must be 0 or 1
            e.writeLong(0);
        });
        assertEquals(ErrorKind.UNDECODABLE, reject(Codecs.CORPUS_TEXT, bool).kind());

        byte[] enumByte = withBody(Codecs.DEAD_LETTER, e -> {
            e.writeString("t");
            e.writeInt(0);
            e.writeLong(0);
            e.writeBytes(new byte[0]);
            e.writeInt(0);
            e.writeEnum(99); // errorKind has 11 symbols
            e.writeString("r");
            e.writeLong(0);
        });
        assertEquals(ErrorKind.UNDECODABLE, reject(Codecs.DEAD_LETTER, enumByte).kind());
    }

    @Test
    void packedTokensThatAreNotWholeInt32sAreAnInvalidField() {
        CorpusTokens t = Samples.tokens();
        t.setTokenIds(java.nio.ByteBuffer.wrap(new byte[7]));
        byte[] b = Codecs.CORPUS_TOKENS.encode(t);
        RecordDecodeException e = reject(Codecs.CORPUS_TOKENS, b);
        assertEquals(ErrorKind.INVALID_FIELD, e.kind());
        assertTrue(e.reason().contains("tokenIds"), e.reason());
    }

    @Test
    void randomMutationsOfValidRecordsNeverEscapeAsAnotherExceptionOrAllocateUnbounded() {
        Random rnd = new Random(20240607L);
        int decoded = 0;
        int rejected = 0;
        long worst = 0;
        for (SpecificRecord r : Samples.all()) {
            RecordCodec<?> c = Codecs.forName(r.getSchema().getName());
            byte[] valid = encode(c, r);
            for (int i = 0; i < 3000; i++) {
                byte[] m = mutate(valid, rnd);
                long before = THREADS.getCurrentThreadAllocatedBytes();
                try {
                    c.decode(m, 0, m.length, null);
                    decoded++;
                } catch (RecordDecodeException e) {
                    rejected++;
                } catch (Throwable t) {
                    fail("mutation " + i + " of " + r.getSchema().getName() + " escaped as " + t, t);
                }
                worst = Math.max(worst, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
        }
        assertTrue(rejected > 10_000, "rejected " + rejected + ", decoded " + decoded);
        assertTrue(worst < 1 << 20, "one decode allocated " + worst + " bytes");
    }

    /** Pure garbage after a valid header, of every length up to 64. */
    @Test
    void garbageBodiesAreAlwaysATypedError() {
        Random rnd = new Random(7);
        byte[] header = Arrays.copyOf(Codecs.CORPUS_TOKENS.encode(Samples.tokens()), 10);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = Arrays.copyOf(header, 10 + rnd.nextInt(64));
            for (int j = 10; j < m.length; j++) m[j] = (byte) rnd.nextInt();
            try {
                Codecs.CORPUS_TOKENS.decode(m);
            } catch (RecordDecodeException expected) {
                // fine
            } catch (Throwable t) {
                fail("garbage body escaped as " + t, t);
            }
        }
    }

    private static byte[] mutate(byte[] valid, Random rnd) {
        byte[] m = valid.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> { // flip a few body bytes
                for (int k = 0, n = 1 + rnd.nextInt(3); k < n; k++) m[10 + rnd.nextInt(m.length - 10)] = (byte) rnd.nextInt();
            }
            case 1 -> { // a huge varint somewhere in the body
                int at = 10 + rnd.nextInt(m.length - 10);
                byte[] big = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
                System.arraycopy(big, 0, m, at, Math.min(big.length, m.length - at));
            }
            case 2 -> m = Arrays.copyOf(m, 10 + rnd.nextInt(m.length - 10)); // truncate
            default -> { // insert random bytes
                int at = 10 + rnd.nextInt(m.length - 10);
                byte[] ins = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(ins);
                byte[] out = new byte[m.length + ins.length];
                System.arraycopy(m, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, ins.length);
                System.arraycopy(m, at, out, at + ins.length, m.length - at);
                m = out;
            }
        }
        return m;
    }
}
