package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TokenIdsTest {

    @Test
    void packWritesLittleEndianInt32s() {
        ByteBuffer b = TokenIds.pack(new int[] {0x11223344, 7});
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        assertArrayEquals(new byte[] {0x44, 0x33, 0x22, 0x11, 7, 0, 0, 0}, out);
    }

    @Test
    void unpackReadsFromThePositionOfAnyBuffer() {
        ByteBuffer direct = ByteBuffer.allocateDirect(12);
        direct.put(new byte[] {9, 9, 9, 9, 1, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f});
        direct.flip().position(4);
        assertEquals(2, TokenIds.count(direct));
        assertEquals(Integer.MAX_VALUE, TokenIds.get(direct, 1));
        int[] dst = new int[5];
        assertEquals(2, TokenIds.unpack(direct, dst, 3));
        assertArrayEquals(new int[] {0, 0, 0, 1, Integer.MAX_VALUE}, dst);
        assertEquals(4, direct.position()); // reading does not move the buffer
    }

    @Test
    void packIntoAReusedBufferAllocatesNothingNew() {
        ByteBuffer reuse = ByteBuffer.allocate(64);
        ByteBuffer b = TokenIds.pack(new int[] {1, 2, 3, 4}, 1, 2, reuse);
        assertSame(reuse, b);
        assertArrayEquals(new int[] {2, 3}, TokenIds.toArray(b));
        int[] keep = new int[8];
        assertSame(keep, TokenIds.unpackInto(b, keep));
        assertEquals(1, TokenIds.unpackInto(TokenIds.pack(new int[] {5}), new int[0]).length);
    }

    @Test
    void validateRejectsPartialTokensAndTooManyTokens() {
        RecordDecodeException partial = assertThrows(RecordDecodeException.class,
                () -> TokenIds.validate(ByteBuffer.wrap(new byte[7]), "tokenIds", 100));
        assertEquals(ErrorKind.INVALID_FIELD, partial.kind());
        RecordDecodeException many = assertThrows(RecordDecodeException.class,
                () -> TokenIds.validate(ByteBuffer.wrap(new byte[44]), "tokenIds", 10));
        assertEquals(ErrorKind.OVERSIZE, many.kind());
    }

    @Test
    void checkVocabularyNamesTheFirstBadId() throws Exception {
        TokenIds.checkVocabulary(TokenIds.pack(new int[] {0, 99}), "t", 100);
        RecordDecodeException e = assertThrows(RecordDecodeException.class,
                () -> TokenIds.checkVocabulary(TokenIds.pack(new int[] {0, 5, 100, -1}), "t", 100));
        assertEquals(ErrorKind.TOKEN_OUT_OF_VOCABULARY, e.kind());
        assertEquals(true, e.reason().startsWith("t[2] = 100"), e.reason());
        RecordDecodeException neg = assertThrows(RecordDecodeException.class,
                () -> TokenIds.checkVocabulary(TokenIds.pack(new int[] {-1}), "t", 100));
        assertEquals(ErrorKind.TOKEN_OUT_OF_VOCABULARY, neg.kind());
    }

    @Test
    void packedFloatsAreLittleEndianFloat32s() throws Exception {
        ByteBuffer b = PackedFloats.pack(1.0f, -2.5f);
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        // 1.0f = 0x3f800000, -2.5f = 0xc0200000, little-endian
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0}, out);
        assertEquals(-2.5f, PackedFloats.get(b, 1));
        assertArrayEquals(new float[] {1.0f, -2.5f}, PackedFloats.toArray(b));
        assertEquals(ErrorKind.INVALID_FIELD, assertThrows(RecordDecodeException.class,
                () -> PackedFloats.validate(ByteBuffer.wrap(new byte[5]), "p", 10)).kind());
        PackedFloats.validate(b, "p", 2);
    }
}
