package io.engramstream.stats.job;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * One Flink key per virtual shard such that shard {@code s}'s key falls in key group {@code s}.
 * With as many virtual shards as the job's max parallelism, every key group holds exactly one
 * shard: the shards spread evenly over subtasks at any parallelism, and rescaling moves whole
 * shards with Flink's own key-group redistribution.
 */
public final class ShardKeys {
    private ShardKeys() {}

    /** {@code keys[s]} is an Integer key whose key group is {@code s}, for {@code s < maxParallelism}. */
    public static int[] forMaxParallelism(int maxParallelism) {
        int[] keys = new int[maxParallelism];
        boolean[] found = new boolean[maxParallelism];
        int missing = maxParallelism;
        for (int k = 0; missing > 0; k++) {
            int g = KeyGroupRangeAssignment.assignToKeyGroup(k, maxParallelism);
            if (!found[g]) {
                found[g] = true;
                keys[g] = k;
                missing--;
            }
            if (k == Integer.MAX_VALUE) throw new IllegalStateException("no key for some key group");
        }
        return keys;
    }
}
