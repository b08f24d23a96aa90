package io.engramstream.placement.bench;

/** A stream of row-key lookups, consumed window by window. */
public interface LookupSource {
    /** Writes up to {@code n} lookups into {@code out}; returns how many (0 when the stream ended). */
    int next(long[] out, int n);

    /** Called after each window (lets synthetic sources drift). */
    default void endOfWindow(int window) {}

    /**
     * The {@code k} rows truly most popular right now (before {@link #endOfWindow}), for sources
     * that know their distribution; {@code null} for real traffic.
     */
    default long[] trueTop(int k) { return null; }

    /** One line saying what this source is. */
    String describe();
}
