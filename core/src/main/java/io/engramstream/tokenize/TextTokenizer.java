package io.engramstream.tokenize;

/**
 * Text to token ids of one vocabulary (the old ids that a
 * {@link io.engramstream.canon.CanonicalMap} of the same vocabulary maps). No truncation, no
 * special tokens added. Implementations are thread-safe unless they say otherwise.
 */
public interface TextTokenizer extends AutoCloseable {
    /** The vocabulary name, as accepted by {@link TextTokenizers#forId} and {@code CanonicalMaps.forId}. */
    String id();

    /** Token ids of {@code text}, every one in {@code [0, vocabulary size)}. */
    int[] encode(String text);

    /** Releases native resources, if any. */
    @Override default void close() {}
}
