package io.engramstream.schemas.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.ErrorKind;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.TokenIds;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Token ids at the edges of a vocabulary (negative, 0, V-1, V, past V, int extremes) in buffers of
 * every shape (heap, direct, read-only, offset position, ragged tails): {@link TokenIds} reads
 * the same ids as a byte-by-byte little-endian decode written here, and the vocabulary check
 * rejects exactly the first id outside {@code [0, V)} with TOKEN_OUT_OF_VOCABULARY.
 */
class TokenIdsFuzzTest {

    private static final int[] VOCABS = {1, 2, 257, 98_627, 128_815, 199_998, Integer.MAX_VALUE};

    /** Independent of TokenIds: assemble each int32 from its four bytes. */
    private static int[] expectedIds(byte[] raw, int from, int to) {
        int n = (to - from) / 4;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            int p = from + 4 * i;
            ids[i] = (raw[p] & 0xff) | (raw[p + 1] & 0xff) << 8 | (raw[p + 2] & 0xff) << 16 | (raw[p + 3] & 0xff) << 24;
        }
        return ids;
    }

    private static int edgeId(Random rnd, int vocab) {
        return switch (rnd.nextInt(10)) {
            case 0 -> -1;
            case 1 -> Integer.MIN_VALUE;
            case 2 -> vocab;                       // == vocabulary size: one past the last id
            case 3 -> vocab == Integer.MAX_VALUE ? Integer.MAX_VALUE : vocab + 1 + rnd.nextInt(1000);
            case 4 -> Integer.MAX_VALUE;
            case 5 -> vocab - 1;
            case 6 -> 0;
            default -> rnd.nextInt(vocab);
        };
    }

    private static ByteBuffer shaped(byte[] raw, int from, int to, int shape) {
        return switch (shape) {
            case 0 -> ByteBuffer.wrap(raw, from, to - from);                               // heap, offset position
            case 1 -> ByteBuffer.wrap(raw, from, to - from).asReadOnlyBuffer();            // read-only
            case 2 -> {                                                                     // direct, offset position
                ByteBuffer d = ByteBuffer.allocateDirect(raw.length);
                d.put(raw).position(from).limit(to);
                yield d;
            }
            default -> ByteBuffer.wrap(raw).slice(from, to - from);                         // slice
        };
    }

    @Test
    void readsAndVocabularyChecksAgreeWithAnIndependentDecodeOnEveryBufferShape() {
        Random rnd = new Random(61);
        int rejected = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            int vocab = VOCABS[rnd.nextInt(VOCABS.length)];
            int n = rnd.nextInt(40);
            int pre = rnd.nextInt(9), ragged = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0;
            byte[] raw = new byte[pre + 4 * n + ragged + rnd.nextInt(5)];
            rnd.nextBytes(raw); // garbage around the ids must never be read
            boolean clean = rnd.nextBoolean();
            for (int i = 0; i < n; i++) {
                int id = clean ? rnd.nextInt(vocab) : rnd.nextInt(8) == 0 ? edgeId(rnd, vocab) : rnd.nextInt(vocab);
                for (int k = 0; k < 4; k++) raw[pre + 4 * i + k] = (byte) (id >>> (8 * k));
            }
            int to = pre + 4 * n + ragged;
            int[] ids = expectedIds(raw, pre, to);
            ByteBuffer buf = shaped(raw, pre, to, rnd.nextInt(4));
            int pos = buf.position(), lim = buf.limit();

            assertEquals(n, TokenIds.count(buf));
            assertArrayEquals(ids, TokenIds.toArray(buf));
            for (int i = 0; i < n; i++) assertEquals(ids[i], TokenIds.get(buf, i));
            try {
                TokenIds.validate(buf, "t", 1 << 20);
                assertEquals(0, ragged, "validate accepted a ragged field");
            } catch (RecordDecodeException e) {
                assertEquals(ErrorKind.INVALID_FIELD, e.kind());
                assertTrue(ragged > 0);
            }

            int firstBad = -1;
            for (int i = 0; i < n && firstBad < 0; i++) if (ids[i] < 0 || ids[i] >= vocab) firstBad = i;
            try {
                TokenIds.checkVocabulary(buf, "tokenIds", vocab);
                assertEquals(-1, firstBad, "accepted id " + (firstBad < 0 ? 0 : ids[firstBad]) + " with vocabulary " + vocab);
            } catch (RecordDecodeException e) {
                rejected++;
                assertEquals(ErrorKind.TOKEN_OUT_OF_VOCABULARY, e.kind());
                assertTrue(firstBad >= 0, "rejected a clean field: " + e.reason());
                String expected = "tokenIds[" + firstBad + "] = " + ids[firstBad] + " ";
                assertTrue(e.reason().startsWith(expected), e.reason() + " (expected " + expected + ")");
            }
            assertEquals(pos, buf.position(), "reading moved the buffer");
            assertEquals(lim, buf.limit());
        }
        assertTrue(rejected > 2000, "only " + rejected + " rejections");
    }

    @Test
    void decodedRecordsWithIdsAtAndPastTheVocabularyAreRejectedByTheConsumerCheck() throws Exception {
        int vocab = 128_815;
        int[][] cases = {{vocab - 1}, {vocab}, {vocab + 1}, {-1}, {0, Integer.MIN_VALUE}, {Integer.MAX_VALUE}, {}};
        boolean[] ok = {true, false, false, false, false, false, true};
        for (int c = 0; c < cases.length; c++) {
            CorpusTokens t = CorpusTokens.newBuilder().setDocumentId("d").setSource("s").setTokenizerId("deepseek-v3")
                    .setTokenIds(TokenIds.pack(cases[c])).setEventTime(Instant.EPOCH).build();
            // The codec carries any int32: range is the consumer's check (it knows the vocabulary).
            CorpusTokens back = Codecs.CORPUS_TOKENS.decode(Codecs.CORPUS_TOKENS.encode(t));
            assertArrayEquals(cases[c], TokenIds.toArray(back.getTokenIds()));
            if (ok[c]) {
                TokenIds.checkVocabulary(back.getTokenIds(), "tokenIds", vocab);
            } else {
                RecordDecodeException e = assertThrows(RecordDecodeException.class,
                        () -> TokenIds.checkVocabulary(back.getTokenIds(), "tokenIds", vocab));
                assertEquals(ErrorKind.TOKEN_OUT_OF_VOCABULARY, e.kind());
            }
        }
    }

    @Test
    void unpackingIntoTooSmallATargetFailsBeforeWritingAnything() {
        ByteBuffer b = TokenIds.pack(new int[] {1, 2, 3});
        int[] dst = {7, 7, 7, 7};
        try {
            TokenIds.unpack(b, dst, 2);
            fail("3 ids fit in 2 slots");
        } catch (IndexOutOfBoundsException expected) {
            assertArrayEquals(new int[] {7, 7, 7, 7}, dst);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> TokenIds.unpack(b, dst, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> TokenIds.pack(new int[2], 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> TokenIds.pack(new int[2], -1, 1));
    }
}
