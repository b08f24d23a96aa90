package io.engramstream.schemas;

/**
 * Bounds that every decode enforces by itself, whatever the JVM's
 * {@code org.apache.avro.limits.*} flags say. The decoder also never allocates more for a
 * string, bytes field or collection than the bytes left in the message, so the memory one
 * decode can take is bounded by {@code maxMessageBytes} (times a small constant for
 * String decoding), not by any length a message claims.
 *
 * @param maxMessageBytes    longest accepted encoded message (header included)
 * @param maxStringBytes     longest string field, in UTF-8 bytes
 * @param maxBytesLength     longest bytes field
 * @param maxCollectionItems most items in one array or map
 * @param maxTokens          most token ids in one packed token field
 */
public record CodecLimits(int maxMessageBytes, int maxStringBytes, int maxBytesLength,
                          int maxCollectionItems, int maxTokens) {

    /** Kafka's own message size cap is 1 MiB by default; these leave room for raised broker limits. */
    public static final CodecLimits DEFAULT = new CodecLimits(
            16 * 1024 * 1024, 8 * 1024 * 1024, 16 * 1024 * 1024, 1 << 20, 4 << 20);

    public CodecLimits {
        if (maxMessageBytes <= 0 || maxStringBytes < 0 || maxBytesLength < 0 || maxCollectionItems < 0 || maxTokens < 0) {
            throw new IllegalArgumentException("codec limits must be positive: " + this);
        }
    }

    public CodecLimits withMaxMessageBytes(int n) {
        return new CodecLimits(n, maxStringBytes, maxBytesLength, maxCollectionItems, maxTokens);
    }

    public CodecLimits withMaxTokens(int n) {
        return new CodecLimits(maxMessageBytes, maxStringBytes, maxBytesLength, maxCollectionItems, n);
    }

    public CodecLimits withMaxStringBytes(int n) {
        return new CodecLimits(maxMessageBytes, n, maxBytesLength, maxCollectionItems, maxTokens);
    }

    public CodecLimits withMaxCollectionItems(int n) {
        return new CodecLimits(maxMessageBytes, maxStringBytes, maxBytesLength, n, maxTokens);
    }
}
