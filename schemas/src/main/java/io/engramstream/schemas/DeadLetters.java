package io.engramstream.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter} records for the dead-letter topic: where a bad record came from,
 * its bytes (capped so that one huge poison message does not make a huge dead letter), the
 * error kind and a one-line reason.
 */
public final class DeadLetters {
    private DeadLetters() {}

    /** Raw bytes kept in a dead letter at most; {@code rawLength} keeps the original length. */
    public static final int MAX_RAW_BYTES = 256 * 1024;

    /** Longest reason kept, in characters. */
    public static final int MAX_REASON_CHARS = 1000;

    /** A dead letter for a record a codec rejected, stamped now. */
    public static DeadLetter of(String topic, int partition, long offset, byte[] raw, RecordDecodeException error) {
        return of(topic, partition, offset, raw, error.kind(), error.reason(), Instant.now());
    }

    /** A dead letter for any rejected record (e.g. TOKEN_OUT_OF_VOCABULARY or SPEC_MISMATCH found downstream). */
    public static DeadLetter of(String topic, int partition, long offset, byte[] raw,
                                ErrorKind kind, String reason, Instant time) {
        byte[] value = raw == null ? new byte[0] : raw;
        byte[] kept = value.length > MAX_RAW_BYTES ? Arrays.copyOf(value, MAX_RAW_BYTES) : value.clone();
        String r = reason == null ? "" : RecordCodec.oneLine(reason);
        if (r.length() > MAX_REASON_CHARS) r = r.substring(0, MAX_REASON_CHARS) + "...";
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setRawBytes(ByteBuffer.wrap(kept))
                .setRawLength(raw == null ? -1 : value.length)
                .setErrorKind(kind)
                .setReason(r)
                .setTime(time)
                .build();
    }
}
