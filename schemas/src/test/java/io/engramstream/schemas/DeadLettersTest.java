package io.engramstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void aRejectedRecordBecomesADeadLetterWithItsOriginAndReason() throws Exception {
        byte[] raw = {(byte) 0xC3, 0x01, 1, 2, 3};
        RecordDecodeException error = assertThrows(RecordDecodeException.class, () -> Codecs.CORPUS_TOKENS.decode(raw));
        DeadLetter d = DeadLetters.of("engram.corpus.tokens", 3, 1234L, raw, error);
        assertEquals("engram.corpus.tokens", d.getSourceTopic());
        assertEquals(3, d.getSourcePartition());
        assertEquals(1234L, d.getSourceOffset());
        assertEquals(ByteBuffer.wrap(raw), d.getRawBytes());
        assertEquals(5, d.getRawLength());
        assertEquals(ErrorKind.TRUNCATED, d.getErrorKind());
        assertEquals(error.reason(), d.getReason());
        // and it travels on the bus itself
        assertEquals(d, Codecs.DEAD_LETTER.decode(Codecs.DEAD_LETTER.encode(d)));
    }

    @Test
    void hugeRawValuesAreCappedAndReasonsKeptToOneLine() {
        byte[] huge = new byte[DeadLetters.MAX_RAW_BYTES + 100];
        DeadLetter d = DeadLetters.of("t", 0, 0, huge, ErrorKind.OVERSIZE, "line one\nline two", Instant.EPOCH);
        assertEquals(DeadLetters.MAX_RAW_BYTES, d.getRawBytes().remaining());
        assertEquals(huge.length, d.getRawLength());
        assertEquals("line one line two", d.getReason());
    }

    @Test
    void aNullValueIsKeptAsEmptyWithUnknownLength() {
        DeadLetter d = DeadLetters.of("t", 0, 0, null, ErrorKind.EMPTY, "no value", Instant.EPOCH);
        assertEquals(0, d.getRawBytes().remaining());
        assertEquals(-1, d.getRawLength());
    }
}
