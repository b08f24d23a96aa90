package io.engramstream.stats.job;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.util.Collector;

/**
 * Between counting and statistics: passes every {@link DeltaBatch} on unchanged, and sends a copy
 * of each counters record (the tokens a counting subtask flushed) to every other statistics
 * subtask, marked {@link DeltaBatch#COUNTERS_COPY} (it counts toward the job-wide token total only,
 * not toward that subtask's own totals). Counting subtasks flush before every checkpoint barrier,
 * so when a barrier reaches the statistics subtasks, every one of them has seen exactly the same
 * counters records: they all know the same global token count at the same checkpoint, which is
 * what lets them decide "publish every N tokens" identically without talking to each other.
 *
 * <p>Chained to the counting operator; costs one branch per batch (batches carry thousands of rows).
 * Runs at the job's parallelism, as the statistics operator does (both use the default).
 */
final class CounterFanOut extends RichFlatMapFunction<DeltaBatch, DeltaBatch> {
    private static final long serialVersionUID = 1L;

    private final int[] shardKeys;
    private transient int[] keyOfSubtask;
    private transient int[] shardOfSubtask;
    private transient DeltaBatch copy;

    CounterFanOut(StatsSettings settings) { this.shardKeys = settings.shardKeys.clone(); }

    @Override public void open(OpenContext ctx) {
        int p = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int maxP = shardKeys.length;
        keyOfSubtask = new int[p];
        shardOfSubtask = new int[p];
        java.util.Arrays.fill(shardOfSubtask, -1);
        for (int sh = 0; sh < maxP; sh++) {
            int s = KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(maxP, p, sh);
            if (shardOfSubtask[s] < 0) { shardOfSubtask[s] = sh; keyOfSubtask[s] = shardKeys[sh]; }
        }
        copy = new DeltaBatch(0);
    }

    @Override public void flatMap(DeltaBatch b, Collector<DeltaBatch> out) {
        out.collect(b);
        if (b.size != 0 || b.tokens == 0 || b.source == DeltaBatch.COUNTERS_COPY) return;
        int p = keyOfSubtask.length;
        int owner = KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(shardKeys.length, p, b.shard);
        for (int s = 0; s < p; s++) {
            if (s == owner || shardOfSubtask[s] < 0) continue;
            copy.shardKey = keyOfSubtask[s];
            copy.shard = shardOfSubtask[s];
            copy.source = DeltaBatch.COUNTERS_COPY;
            copy.clock = b.clock;
            copy.tokens = b.tokens;
            copy.records = copy.deadLetters = 0;
            copy.size = 0;
            out.collect(copy);
        }
    }
}
