package io.engramstream.stats.job;

import io.engramstream.hash.HashStream;
import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.DenseRowCounter;
import io.engramstream.stats.RowDeltaSink;
import io.engramstream.stats.SparseRowCounter;
import io.engramstream.stats.RowShards;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Hashes every token of every document with the core {@link NgramHasher} and pre-aggregates the
 * lookups inside the subtask, then ships the counts by virtual shard as {@link DeltaBatch}es.
 *
 * <p>Pre-aggregation is a {@link DenseRowCounter} (one int per table row: an increment is one
 * array store) for tables up to {@code preagg-dense-max-rows}, else a bounded
 * {@link SparseRowCounter}. It is flushed in {@link #prepareSnapshotPreBarrier}, i.e. before the
 * checkpoint barrier leaves this operator, and at end of input: every lookup counted before a
 * barrier reaches the statistics before that barrier, none after, so counts are exactly-once
 * without keeping the aggregate in state.
 *
 * <p>Keyed by document: a document that arrives in chunks keeps its last {@code maxNgram-1}
 * canonical tokens in keyed state between chunks, so its N-grams across chunk boundaries hash
 * exactly as if it came whole (and the history survives failures and rescaling).
 *
 * <p>Hot path ({@link #count}): allocation-free primitive loops, no per-token or per-lookup objects.
 */
public final class CountLookupsOperator extends AbstractStreamOperator<DeltaBatch>
        implements OneInputStreamOperator<TokenChunk, DeltaBatch>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Tokens hashed per call: the hasher's output (layers x 512 x heads ints) stays in L2. */
    static final int SUB = 512;
    /** Flush a dense counter before any row could pass 2^32 - 1 (counts are read unsigned). */
    private static final long DENSE_FLUSH_AT = (1L << 32) - (1L << 26);

    private final StatsSettings settings;

    private transient int numLayers, headsPerLayer, lookupsPerToken, history;
    private transient HashStream stream;
    private transient int[] ids;
    private transient long[] keys;
    private transient boolean dense;
    private transient int[] headBase;
    private transient DenseRowCounter[] denseCounters;
    private transient SparseRowCounter[] sparseCounters;
    private transient RowShards rowShards;
    private transient RunEmitter runs;
    private transient ShardEmitter emitter;

    private transient ValueState<int[]> tailState;
    private transient ListState<long[]> clockState;
    /** This subtask's share of the processed-token clock; clock = share * parallelism. */
    private transient long tokenShare;
    private transient long eventClock;
    private transient long pendingTokens, pendingRecords, pendingDeadLetters;

    private transient Counter tokensCounter, lookupsCounter;
    private transient boolean checkpointCompleted;
    private transient long tokensThisAttempt;

    public CountLookupsOperator(StatsSettings settings) {
        this.settings = settings;
    }

    @Override public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        tailState = context.getKeyedStateStore().getState(
                new ValueStateDescriptor<>("ngram-history", PrimitiveArrayTypeInfo.INT_PRIMITIVE_ARRAY_TYPE_INFO));
        clockState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("decay-clock", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        long total = 0, event = Long.MIN_VALUE;
        if (context.isRestored()) {
            for (long[] e : clockState.get()) {
                total += e[0];
                event = Math.max(event, e[1]);
            }
        }
        int p = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int i = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        tokenShare = total / p + (i == 0 ? total % p : 0);
        eventClock = event;
    }

    @Override public void open() throws Exception {
        super.open();
        EngramSpec spec = settings.spec;
        numLayers = spec.numLayers();
        headsPerLayer = spec.headsPerLayer();
        lookupsPerToken = spec.lookupsPerToken();
        history = spec.maxNgram() - 1;
        NgramHasher hasher = new NgramHasher(spec);
        stream = hasher.newStream();
        ids = new int[(int) hasher.outputLength(SUB)];
        dense = spec.totalRows() <= settings.denseMaxRows;
        if (dense) {
            long[] rowsPerLayer = new long[numLayers];
            for (int l = 0; l < numLayers; l++) rowsPerLayer[l] = spec.rowsPerLayer(l);
            long start = 0;
            headBase = new int[numLayers * headsPerLayer];
            for (int l = 0; l < numLayers; l++) {
                long[] off = spec.headOffsets(l);
                for (int j = 0; j < headsPerLayer; j++) headBase[l * headsPerLayer + j] = (int) (start + off[j]);
                start += rowsPerLayer[l];
            }
            denseCounters = new DenseRowCounter[2];
        } else {
            keys = new long[(int) hasher.outputLength(SUB)];
            sparseCounters = new SparseRowCounter[2];
        }
        rowShards = RowShards.of(spec, settings.shards);
        runs = new RunEmitter();
        emitter = new ShardEmitter(rowShards, settings.shardKeys, shardBatchRows());
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("engram");
        tokensCounter = g.counter("tokens");
        lookupsCounter = g.counter("lookups");
        g.meter("tokensPerSecond", new MeterView(tokensCounter, 5));
        g.meter("lookupsPerSecond", new MeterView(lookupsCounter, 5));
        g.gauge("pendingLookups", this::pendingLookups);
    }

    /** Rows per batch of the sparse path: the configured size, capped so all shard buffers stay within ~32 MB. */
    private int shardBatchRows() {
        long cap = (32L << 20) / (16L * settings.shards);
        return (int) Math.max(64, Math.min(settings.deltaBatchRows, cap));
    }

    private long pendingLookups() {
        long n = 0;
        if (denseCounters != null) for (DenseRowCounter c : denseCounters) if (c != null) n += c.pending();
        if (sparseCounters != null) for (SparseRowCounter c : sparseCounters) if (c != null) n += c.pending();
        return n;
    }

    @Override public void processElement(StreamRecord<TokenChunk> element) throws Exception {
        TokenChunk c = element.getValue();
        if (c.deadLetters > 0) {
            pendingDeadLetters += c.deadLetters;
            return;
        }
        pendingRecords++;
        int len = c.length;
        int[] tokens = c.tokens;
        stream.reset();
        int[] prior = null;
        if (c.chunkIndex > 0) {
            prior = tailState.value();
            // Replays the previous chunk's last tokens as history; their own lookups were counted then.
            if (prior != null && prior.length > 0) stream.hashChunk(prior, 0, prior.length, ids);
        }
        count(tokens, len, c.source);
        if (!c.last) {
            tailState.update(history(prior, tokens, len));
        } else if (c.chunkIndex > 0) {
            tailState.clear();
        }
        pendingTokens += len;
        tokenShare += len;
        if (c.timestamp != Long.MIN_VALUE && c.timestamp > eventClock) eventClock = c.timestamp;
        tokensCounter.inc(len);
        lookupsCounter.inc((long) len * lookupsPerToken);
        tokensThisAttempt += len;
        if (settings.failAfterTokens > 0) maybeInjectFailure();
    }

    /** Test hook: fails this task once, mid-stream, after a checkpoint completed (so recovery restores state). */
    private void maybeInjectFailure() throws java.io.IOException {
        if ((!checkpointCompleted && !settings.failWithoutCheckpoint) || tokensThisAttempt < settings.failAfterTokens) return;
        java.nio.file.Path marker = java.nio.file.Path.of(settings.failMarker);
        try {
            java.nio.file.Files.createFile(marker);
        } catch (java.nio.file.FileAlreadyExistsException done) {
            return;
        }
        throw new IllegalStateException("injected failure after " + tokensThisAttempt + " tokens (test hook)");
    }

    @Override public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        checkpointCompleted = true;
    }

    /** The last {@code history} tokens of (prior ++ tokens[0, len)). */
    private int[] history(int[] prior, int[] tokens, int len) {
        if (len >= history) return Arrays.copyOfRange(tokens, len - history, len);
        int fromPrior = prior == null ? 0 : Math.min(prior.length, history - len);
        int[] h = new int[fromPrior + len];
        if (fromPrior > 0) System.arraycopy(prior, prior.length - fromPrior, h, 0, fromPrior);
        System.arraycopy(tokens, 0, h, fromPrior, len);
        return h;
    }

    /** Hashes and counts {@code tokens[0, len)} (the stream holds the document's history). */
    private void count(int[] tokens, int len, int source) {
        final int L = numLayers, J = headsPerLayer;
        for (int off = 0; off < len; off += SUB) {
            int n = Math.min(SUB, len - off);
            if (dense) {
                DenseRowCounter counter = denseCounter(source);
                if (counter.pending() > DENSE_FLUSH_AT) flush();
                stream.hashChunk(tokens, off, n, ids);
                // Two passes: bucket ids -> dense row indexes (sequential), then a loop that does
                // nothing but increments, whose independent cache misses overlap best (measured
                // ~40% faster than incrementing inside the first loop).
                final int[] base = headBase;
                final int[] b = ids;
                int o = 0;
                for (int l = 0; l < L; l++) {
                    final int bb = l * J;
                    for (int t = 0; t < n; t++) {
                        for (int j = 0; j < J; j++, o++) b[o] += base[bb + j];
                    }
                }
                final int[] cnt = counter.counts();
                for (int i = 0; i < o; i++) cnt[b[i]]++;
                counter.addPending((long) n * lookupsPerToken);
            } else {
                SparseRowCounter counter = sparseCounter(source);
                int m = n * lookupsPerToken;
                if (counter.size() > settings.sparseEntries - m) flush();
                stream.hashChunkRowKeys(tokens, off, n, keys);
                final long[] k = keys;
                for (int i = 0; i < m; i++) counter.add(k[i], 1);
            }
        }
    }

    private DenseRowCounter denseCounter(int source) {
        DenseRowCounter c = denseCounters[source];
        if (c == null) {
            long[] rowsPerLayer = new long[numLayers];
            for (int l = 0; l < numLayers; l++) rowsPerLayer[l] = settings.spec.rowsPerLayer(l);
            c = denseCounters[source] = new DenseRowCounter(rowsPerLayer);
        }
        return c;
    }

    private SparseRowCounter sparseCounter(int source) {
        SparseRowCounter c = sparseCounters[source];
        if (c == null) c = sparseCounters[source] = new SparseRowCounter(settings.sparseEntries);
        return c;
    }

    private long clock() {
        if (settings.eventTimeClock()) return eventClock == Long.MIN_VALUE ? 0 : eventClock;
        return tokenShare * getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    }

    /** Ships every pending count, then the counters, downstream. */
    void flush() {
        long clock = clock();
        for (int s = 0; s < 2; s++) {
            if (dense && denseCounters[s] != null && denseCounters[s].pending() > 0) {
                runs.source = (byte) s;
                runs.clock = clock;
                denseCounters[s].flush(rowShards, runs);
            } else if (!dense && sparseCounters[s] != null && sparseCounters[s].size() > 0) {
                emitter.begin((byte) s, clock);
                sparseCounters[s].flush(emitter);
                emitter.finish();
            }
        }
        if (pendingTokens != 0 || pendingRecords != 0 || pendingDeadLetters != 0) {
            emitter.counters(clock, pendingTokens, pendingRecords, pendingDeadLetters,
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() % settings.shards);
            pendingTokens = pendingRecords = pendingDeadLetters = 0;
        }
    }

    @Override public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override public void endInput() {
        flush();
    }

    @Override public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        clockState.update(List.of(new long[] {tokenShare, eventClock}));
    }

    /**
     * Ships a dense flush: one ascending run of local rows per shard, cut into batches of
     * {@code delta-batch-rows}. Emits one reused record: the output to the keyed statistics
     * operator is a network edge that serializes the record inside {@code collect}, before reuse.
     */
    private final class RunEmitter implements DenseRowCounter.ShardRunSink {
        private final DeltaBatch batch = new DeltaBatch(settings.deltaBatchRows);
        private final StreamRecord<DeltaBatch> record = new StreamRecord<>(batch);
        byte source;
        long clock;

        @Override public void begin(int shard) {
            batch.shard = shard;
            batch.shardKey = settings.shardKeys[shard];
            batch.size = 0;
        }

        @Override public void delta(long local, long count) {
            DeltaBatch b = batch;
            b.rows[b.size] = local;
            b.counts[b.size] = count;
            if (++b.size == b.rows.length) emit();
        }

        @Override public void end(int shard) {
            if (batch.size > 0) emit();
        }

        private void emit() {
            DeltaBatch b = batch;
            b.source = source;
            b.clock = clock;
            b.tokens = b.records = b.deadLetters = 0;
            output.collect(record.replace(b));
            b.size = 0;
        }
    }

    /**
     * Ships a sparse flush (row keys in hash order): buffers rows per shard and emits a batch
     * whenever a shard's buffer fills. Also sends the counters. Same record reuse as {@link RunEmitter}.
     */
    private final class ShardEmitter implements RowDeltaSink {
        private final RowShards shards;
        private final long[] starts;
        private final int[] shardKeys;
        private final int capacity;
        private final long[][] rows;
        private final long[][] counts;
        private final int[] fill;
        private final DeltaBatch batch = new DeltaBatch();
        private final StreamRecord<DeltaBatch> record = new StreamRecord<>(batch);
        private byte source;
        private long clock;

        ShardEmitter(RowShards shards, int[] shardKeys, int capacity) {
            this.shards = shards;
            this.starts = new long[shards.shards() + 1];
            for (int s = 0; s <= shards.shards(); s++) starts[s] = shards.start(s);
            this.shardKeys = shardKeys;
            this.capacity = capacity;
            this.rows = new long[shards.shards()][];
            this.counts = new long[shards.shards()][];
            this.fill = new int[shards.shards()];
        }

        void begin(byte src, long clk) {
            this.source = src;
            this.clock = clk;
        }

        @Override public void delta(long rowKey, long count) {
            long index = shards.index(rowKey);
            int s = shards.shardOf(index);
            long[] r = rows[s];
            if (r == null) {
                r = rows[s] = new long[capacity];
                counts[s] = new long[capacity];
            }
            int f = fill[s];
            r[f] = index - starts[s];
            counts[s][f] = count;
            if (++f == capacity) {
                emit(s, f);
                f = 0;
            }
            fill[s] = f;
        }

        void finish() {
            for (int s = 0; s < fill.length; s++) {
                if (fill[s] > 0) {
                    emit(s, fill[s]);
                    fill[s] = 0;
                }
            }
        }

        private void emit(int s, int n) {
            DeltaBatch b = batch;
            b.shardKey = shardKeys[s];
            b.shard = s;
            b.source = source;
            b.clock = clock;
            b.tokens = b.records = b.deadLetters = 0;
            b.size = n;
            b.rows = rows[s];
            b.counts = counts[s];
            output.collect(record.replace(b));
        }

        void counters(long clk, long tokens, long records, long deadLetters, int shard) {
            DeltaBatch b = batch;
            b.shardKey = shardKeys[shard];
            b.shard = shard;
            b.source = 0;
            b.clock = clk;
            b.tokens = tokens;
            b.records = records;
            b.deadLetters = deadLetters;
            b.size = 0;
            output.collect(record.replace(b));
        }
    }
}
