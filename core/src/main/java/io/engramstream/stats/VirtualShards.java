package io.engramstream.stats;

/**
 * Spreads rows over a fixed number of virtual shards. The number is fixed for the life of a
 * statistics state (it is the job's max parallelism), so a row's shard never changes when the job
 * is rescaled; Flink moves whole shards between subtasks.
 */
public final class VirtualShards {
    private VirtualShards() {}

    /** The shard of a row key, in {@code [0, shards)}: multiply-shift range reduction (no division). */
    public static int shardOf(long rowKey, int shards) {
        return (int) (((mix(rowKey) >>> 32) * shards) >>> 32);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    public static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
