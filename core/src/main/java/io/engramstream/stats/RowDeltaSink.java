package io.engramstream.stats;

/** Receives aggregated lookup counts per row when a pre-aggregator flushes. */
@FunctionalInterface
public interface RowDeltaSink {
    void delta(long rowKey, long count);
}
