package io.engramstream.stats.bench;

import io.engramstream.hash.NgramHasher;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsPartHeader;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.job.DecodeFunction;
import io.engramstream.stats.job.InputRecord;
import io.engramstream.stats.job.MemoryStatsJob;
import io.engramstream.stats.job.StatsSettings;
import io.engramstream.stats.job.TokenChunk;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * The baseline the statistics job is measured against: the straightforward Flink job. Same
 * sources, decoding and core hashing, then one event per lookup, {@code keyBy(row)} and a
 * {@code ValueState<Long>} per row. Kept in the bench suite so every {@code engram bench stats}
 * run measures both on the same machine in the same run.
 */
public final class NaiveStatsJob {
    private NaiveStatsJob() {}

    public static void build(StreamExecutionEnvironment env, JobInput input, StatsSettings settings, String outDir) {
        DataStream<InputRecord> records = MemoryStatsJob.sourceFor(env, input, settings);
        records.process(new DecodeFunction(settings), TokenChunk.TYPE).name("decode")
                .flatMap(new OneEventPerLookup(settings), Types.LONG).name("hash")
                .keyBy(k -> k, Types.LONG)
                .transform("count-per-row", Types.VOID, new CountPerRow(settings, outDir)).uid("naive-count");
    }

    /** Hashes each document whole with the core hasher and emits every lookup's row key as its own record. */
    static final class OneEventPerLookup extends RichFlatMapFunction<TokenChunk, Long> {
        private static final long serialVersionUID = 1L;
        private final StatsSettings settings;
        private transient NgramHasher hasher;
        private transient long[] keys;

        OneEventPerLookup(StatsSettings settings) { this.settings = settings; }

        @Override public void open(OpenContext ctx) {
            hasher = new NgramHasher(settings.spec);
            keys = new long[0];
        }

        @Override public void flatMap(TokenChunk c, Collector<Long> out) {
            if (c.deadLetters > 0 || c.length == 0) return;
            int n = (int) hasher.outputLength(c.length);
            if (keys.length < n) keys = new long[n];
            hasher.hashRowKeys(c.tokens, 0, c.length, keys);
            for (int i = 0; i < n; i++) out.collect(keys[i]);
        }
    }

    /** {@code ValueState<Long>} per row; at end of input (tests) publishes the counts in the statistics format. */
    static final class CountPerRow extends AbstractStreamOperator<Void> implements OneInputStreamOperator<Long, Void>, BoundedOneInput {
        private static final long serialVersionUID = 1L;
        private static final ValueStateDescriptor<Long> COUNT = new ValueStateDescriptor<>("count", Types.LONG);
        private final StatsSettings settings;
        private final String outDir;
        private transient ValueState<Long> count;

        CountPerRow(StatsSettings settings, String outDir) {
            this.settings = settings;
            this.outDir = outDir;
        }

        @Override public void open() throws Exception {
            super.open();
            count = getPartitionedState(COUNT);
        }

        @Override public void processElement(StreamRecord<Long> element) throws Exception {
            Long c = count.value();
            count.update(c == null ? 1L : c + 1);
        }

        @Override public void endInput() throws Exception {
            if (outDir == null) return;
            RowStatsColumns rows = new RowStatsColumns();
            getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, COUNT,
                    (Object key, ValueState<Long> state) -> rows.add((Long) key, state.value(), 0, state.value(), 0));
            rows.sortByKey();
            int i = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), p = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
            long lookups = 0;
            for (int r = 0; r < rows.size(); r++) lookups += rows.corpus(r);
            StatsDirectory.publishPart(Path.of(outDir), new StatsPartHeader(StatsPartHeader.FORMAT_VERSION, StatsDirectory.FINAL_TAG, i, p,
                    settings.shards, settings.spec.fingerprint(), settings.canonicalMapId, settings.canonicalMapFingerprint,
                    settings.spec.toJson(), "none", 0, 0, 1, 1, 0, lookups, 0, 0, rows.size(), System.currentTimeMillis()), rows);
        }
    }
}
