package io.engramstream.stats.job;

import io.engramstream.stats.RowShards;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.RowStatsTable;
import io.engramstream.stats.ScoreDecay;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsPartHeader;
import io.engramstream.placement.StatsSnapshotPublisher;
import io.engramstream.snapshot.ManifestSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Keeps the per-row statistics, keyed by virtual shard (one key per key group, see
 * {@link ShardKeys}). Layout {@code shard-table}: each shard's rows live in one
 * {@link RowStatsTable} (a primitive open-addressing table) in a {@code ValueState}: no per-row
 * keys, objects or state entries, which is what makes 10^8-10^9 rows per cluster affordable on the
 * heap backend. Layout {@code row-map}: one {@code MapState} entry per row, for RocksDB with
 * incremental checkpoints. Both give identical statistics.
 *
 * <p>Also keeps the job's totals (tokens, lookups, records, dead letters) in operator state, so
 * they are checkpointed together with the rows they describe; reports metrics (distinct rows,
 * state size, top-K coverage of recent lookups); and publishes the statistics to the output
 * directory at end of input, and at checkpoints chosen by the publication triggers (staged in the
 * checkpoint's synchronous phase, made visible once the checkpoint completes).
 *
 * <p>Triggers must fire at the same checkpoint in every subtask, else a publication's set of parts
 * never completes. So they look only at values every subtask sees identically at a barrier: the
 * checkpoint's timestamp (interval: the first checkpoint in each new interval since the job's
 * first checkpoint) and the job-wide token count ({@link CounterFanOut} gives every subtask every
 * counters record, all flushed before the barrier): a checkpoint is due when the count entered a
 * new multiple of N since the previous checkpoint. Both compare with the previous checkpoint the
 * subtask saw, so even a checkpoint that some subtasks never saw (aborted) disturbs at most one
 * publication. The subtask that completes a set publishes its snapshot and, with Kafka, announces
 * it on the manifest topic ({@link StatsSnapshotPublisher}); on (re)start a subtask re-announces
 * {@code LATEST} if the announcement was lost to a crash.
 */
public final class RowStatsOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<DeltaBatch, Void>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final int TOKENS = 0, LOOKUPS = 1, RECORDS = 2, DEAD = 3, CLOCK = 4;

    private final StatsSettings settings;
    private final boolean bounded;

    private transient ValueState<RowStatsTable> tables;
    private transient MapState<Long, RowStatsValue> rowMap;
    private transient ValueState<Long> rowMapSize;
    private transient ListState<long[]> totalsState;
    private transient long[] totals;
    private transient double lambda;
    private transient RowShards rowShards;
    /** Flink key -> virtual shard (the inverse of {@link StatsSettings#shardKeys}). */
    private transient Map<Integer, Integer> shardOfKey;

    private transient long distinctRows;
    private transient long stateBytes;
    private transient double topKThreshold;
    private transient long topKThresholdClock;
    private transient long lastTopKRefresh;
    private transient long recentLookups, recentHits;
    private transient double topKShare;
    private transient Counter deltaRowsCounter;
    private transient Counter publicationFailures;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RowStatsOperator.class);

    private transient List<Staged> stagedPublications;
    /** Job-wide tokens counted so far (own counters records and every other subtask's copies); identical in all subtasks at a barrier. */
    private transient long globalTokens;
    private transient CheckpointTriggers triggers;
    private transient ListState<long[]> publicationClockState;
    /** A statistics publication that a restore completed: its snapshot is published once the operator is open. */
    private transient String restoredCompleteTag;
    private transient ManifestSink manifestSink;

    /** A part staged at checkpoint {@code id} under {@code out}, committed when that checkpoint completes. */
    private record Staged(long id, String out) {}

    public RowStatsOperator(StatsSettings settings, boolean bounded) {
        this.settings = settings;
        this.bounded = bounded;
    }

    private boolean shardTable() { return StatsSettings.LAYOUT_SHARD_TABLE.equals(settings.layout); }

    @Override public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (shardTable()) {
            tables = context.getKeyedStateStore().getState(new ValueStateDescriptor<>("rows", RowStatsTableSerializer.INSTANCE));
        } else {
            rowMap = context.getKeyedStateStore().getMapState(
                    new MapStateDescriptor<>("row-map", LongSerializer.INSTANCE, RowStatsValue.Serializer.INSTANCE));
            rowMapSize = context.getKeyedStateStore().getState(new ValueStateDescriptor<>("row-count", LongSerializer.INSTANCE));
        }
        totalsState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("totals", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        totals = new long[] {0, 0, 0, 0, Long.MIN_VALUE};
        for (long[] t : totalsState.get()) {
            for (int i = 0; i < CLOCK; i++) totals[i] += t[i];
            totals[CLOCK] = Math.max(totals[CLOCK], t[CLOCK]);
        }
        lambda = settings.lambda();
        rowShards = RowShards.of(settings.spec, settings.shards);
        shardOfKey = new java.util.HashMap<>();
        for (int sh = 0; sh < settings.shardKeys.length; sh++) shardOfKey.put(settings.shardKeys[sh], sh);
        stagedPublications = new ArrayList<>();
        // Union state: every subtask stores the same values, so any subtask restores them whatever the parallelism.
        publicationClockState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("publication-clock", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        triggers = new CheckpointTriggers(settings.publishIntervalMillis, settings.publishEveryTokens);
        for (long[] c : publicationClockState.get()) {
            globalTokens = Math.max(globalTokens, c[0]);
            triggers.restore(c[1], c[2], c[3]);
        }
        if (context.isRestored()) {
            distinctRows = countRows();
            long restoredId = context.getRestoredCheckpointId().orElse(-1);
            if (settings.outDir != null && restoredId >= 0) {
                // The checkpoint we restore from completed; its staged publication may never have been committed.
                String tag = StatsDirectory.checkpointTag(restoredId);
                Path out = Path.of(settings.outDir);
                // Earlier ones whose notification was lost too (the restored checkpoint holds everything they counted).
                for (String t : StatsDirectory.pendingTags(out)) if (t.compareTo(tag) < 0) StatsDirectory.commitStaged(out, t, subtask(), parallelism());
                if (StatsDirectory.commitStaged(out, tag, subtask(), parallelism())) restoredCompleteTag = tag;
            }
            if (settings.dumpDir != null) {
                RowStatsColumns rows = collectRows();
                StatsDirectory.publishPart(Path.of(settings.dumpDir), header("restore-" + StatsDirectory.checkpointTag(restoredId), rows), rows);
            }
        }
    }

    @Override public void open() throws Exception {
        super.open();
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("engram");
        g.gauge("distinctRows", () -> distinctRows);
        g.gauge("stateSizeBytes", () -> stateBytes);
        g.gauge("topKShare", () -> topKShare);
        g.gauge("statsTokens", () -> totals[TOKENS]);
        g.gauge("statsLookups", () -> totals[LOOKUPS]);
        g.gauge("statsDeadLetters", () -> totals[DEAD]);
        deltaRowsCounter = g.counter("deltaRows");
        publicationFailures = g.counter("publicationFailures");
        lastTopKRefresh = System.currentTimeMillis();
        if (restoredCompleteTag != null) {
            publishSnapshot(restoredCompleteTag, -1);   // the crash may have come before or during its snapshot
        } else if (subtask() == 0 && settings.manifestKafka != null && settings.snapshotDir != null) {
            // A crash after the rename of LATEST but before its announcement: announce it now.
            try {
                StatsSnapshotPublisher.sendLatestIfBehind(Path.of(settings.snapshotDir),
                        settings.snapshotConfig().get(io.engramstream.snapshot.SnapshotOptions.KEEP), sink());
            } catch (java.io.IOException | RuntimeException e) {
                snapshotFailed("announcement of the latest snapshot", e);
            }
        }
    }

    @Override public void close() throws Exception {
        try {
            if (manifestSink != null) manifestSink.close();
        } finally {
            manifestSink = null;
            super.close();
        }
    }

    /** The manifest topic, opened on first use (only the subtasks that publish connect). */
    private ManifestSink sink() {
        if (settings.manifestKafka == null) return null;
        if (manifestSink == null) {
            // The send runs on the task thread: a short bound (an unreachable broker delays a publication by at
            // most ~20 s; the outbox re-sends at the next publication or restart).
            manifestSink = new io.engramstream.topics.ManifestTopicSink(settings.manifestKafka, settings.manifestTopic,
                    java.time.Duration.ofSeconds(10));
        }
        return manifestSink;
    }

    private int subtask() { return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(); }

    private int parallelism() { return getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(); }

    @Override public void processElement(StreamRecord<DeltaBatch> element) throws Exception {
        DeltaBatch b = element.getValue();
        globalTokens += b.tokens;
        if (b.source == DeltaBatch.COUNTERS_COPY) return;   // another subtask's counters: the job-wide count only
        totals[TOKENS] += b.tokens;
        totals[RECORDS] += b.records;
        totals[DEAD] += b.deadLetters;
        if (b.clock > totals[CLOCK]) totals[CLOCK] = b.clock;
        int n = b.size;
        if (n == 0) return;
        final long[] rows = b.rows, counts = b.counts;
        final int source = b.source;
        final double w = settings.weight(source);
        final long clock = b.clock;
        final double thr = topKThreshold == 0 ? 0 : ScoreDecay.at(topKThreshold, topKThresholdClock, clock, lambda);
        long lookups = 0, hits = 0;
        if (shardTable()) {
            RowStatsTable t = tables.value();
            if (t == null) t = new RowStatsTable(rowShards.length(b.shard), n);
            int before = t.size();
            for (int i = 0; i < n; i++) {
                long c = counts[i];
                double score = t.add(rows[i], c, source, c * w, clock, lambda);
                lookups += c;
                if (score >= thr) hits += c;
            }
            distinctRows += t.size() - before;
            tables.update(t);
        } else {
            Long size = rowMapSize.value();
            long added = 0;
            for (int i = 0; i < n; i++) {
                long c = counts[i];
                RowStatsValue v = rowMap.get(rows[i]);
                if (v == null) {
                    v = new RowStatsValue();
                    v.last = clock;
                    added++;
                }
                double score = addTo(v, c, source, c * w, clock);
                rowMap.put(rows[i], v);
                lookups += c;
                if (score >= thr) hits += c;
            }
            if (added > 0) rowMapSize.update((size == null ? 0 : size) + added);
            distinctRows += added;
        }
        totals[LOOKUPS] += lookups;
        recentLookups += lookups;
        recentHits += hits;
        deltaRowsCounter.inc(n);
        long now = System.currentTimeMillis();
        if (now - lastTopKRefresh >= settings.topKRefreshMillis) refreshTopK(now);
    }

    /** The {@link RowStatsTable#add} update rule on one map value. */
    private double addTo(RowStatsValue v, long count, int source, double weighted, long clock) {
        if (source == TokenChunk.INFERENCE) v.inference += count;
        else v.corpus += count;
        if (clock >= v.last) {
            v.score = ScoreDecay.at(v.score, v.last, clock, lambda) + weighted;
            v.last = clock;
        } else {
            v.score += lambda == 0 ? weighted : weighted * Math.exp(-lambda * (double) (v.last - clock));
        }
        return v.score;
    }

    /**
     * Recomputes the top-K threshold over this subtask's rows (K scaled to the share of key groups
     * it owns) and closes the current window of the coverage metric.
     */
    private void refreshTopK(long now) throws Exception {
        lastTopKRefresh = now;
        topKShare = recentLookups == 0 ? topKShare : (double) recentHits / recentLookups;
        recentLookups = recentHits = 0;
        int owned = org.apache.flink.runtime.state.KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks(), parallelism(), subtask()).getNumberOfKeyGroups();
        int k = (int) Math.max(1, Math.ceil((double) settings.topK * owned / settings.shards));
        long at = totals[CLOCK];
        double[] heap = new double[k];
        int[] size = {0};
        long[] bytes = {0};
        forEachRow((key, corpus, inference, scoreAtLast, last) -> {
            double s = ScoreDecay.at(scoreAtLast, last, at, lambda);
            if (size[0] < k) {
                heap[size[0]] = s;
                siftUp(heap, size[0]++);
            } else if (s > heap[0]) {
                heap[0] = s;
                siftDown(heap, k);
            }
        }, bytes);
        stateBytes = bytes[0];
        topKThreshold = size[0] < k ? 0 : heap[0];
        topKThresholdClock = at;
    }

    private static void siftUp(double[] h, int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (h[p] <= h[i]) break;
            double t = h[p]; h[p] = h[i]; h[i] = t;
            i = p;
        }
    }

    private static void siftDown(double[] h, int n) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < n && h[l] < h[m]) m = l;
            if (r < n && h[r] < h[m]) m = r;
            if (m == i) return;
            double t = h[m]; h[m] = h[i]; h[i] = t;
            i = m;
        }
    }

    /** Visits every row this subtask owns (by row key); adds the state's memory estimate to {@code bytes[0]}. */
    private void forEachRow(RowStatsTable.RowVisitor v, long[] bytes) throws Exception {
        KeyedStateBackend<Object> backend = getKeyedStateBackend();
        if (shardTable()) {
            backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    new ValueStateDescriptor<>("rows", RowStatsTableSerializer.INSTANCE), (key, state) -> {
                        RowStatsTable t = state.value();
                        if (t != null) {
                            long start = rowShards.start(shardOfKey.get((Integer) key));
                            t.forEach((local, c, i, sc, l) -> v.row(rowShards.rowKey(start + local), c, i, sc, l));
                            bytes[0] += t.memoryBytes();
                        }
                    });
        } else {
            backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    new MapStateDescriptor<>("row-map", LongSerializer.INSTANCE, RowStatsValue.Serializer.INSTANCE), (key, state) -> {
                        long start = rowShards.start(shardOfKey.get((Integer) key));
                        Iterator<Map.Entry<Long, RowStatsValue>> it = state.iterator();
                        while (it.hasNext()) {
                            Map.Entry<Long, RowStatsValue> e = it.next();
                            RowStatsValue r = e.getValue();
                            v.row(rowShards.rowKey(start + e.getKey()), r.corpus, r.inference, r.score, r.last);
                            bytes[0] += 8 + 32 + 16;   // key, value, per-entry overhead (estimate)
                        }
                    });
        }
    }

    private long countRows() throws Exception {
        long[] n = {0};
        KeyedStateBackend<Object> backend = getKeyedStateBackend();
        if (shardTable()) {
            backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    new ValueStateDescriptor<>("rows", RowStatsTableSerializer.INSTANCE), (key, state) -> {
                        RowStatsTable t = state.value();
                        if (t != null) n[0] += t.size();
                    });
        } else {
            backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    new ValueStateDescriptor<>("row-count", LongSerializer.INSTANCE), (key, state) -> {
                        Long c = state.value();
                        if (c != null) n[0] += c;
                    });
        }
        return n[0];
    }

    /**
     * All rows of this subtask, sorted by key without a global sort: shards are consecutive row
     * ranges, so visiting them in shard order and each one in row order (dense tables already
     * are; sparse ones are sorted on their own) yields the rows in key order.
     */
    RowStatsColumns collectRows() throws Exception {
        RowStatsColumns cols = new RowStatsColumns((int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, distinctRows)));
        KeyedStateBackend<Object> backend = getKeyedStateBackend();
        if (shardTable()) {
            RowStatsTable[] byShard = new RowStatsTable[settings.shards];
            backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    new ValueStateDescriptor<>("rows", RowStatsTableSerializer.INSTANCE),
                    (key, state) -> byShard[shardOfKey.get((Integer) key)] = state.value());
            for (int sh = 0; sh < byShard.length; sh++) {
                RowStatsTable t = byShard[sh];
                if (t == null) continue;
                long start = rowShards.start(sh);
                int from = cols.size();
                t.forEach((local, c, i, sc, l) -> cols.add(rowShards.rowKey(start + local), c, i, sc, l));
                if (!t.isDense()) cols.sortRange(from, cols.size());
            }
        } else {
            long[] bytes = {0};
            forEachRow(cols::add, bytes);
            cols.sortByKey();
        }
        return cols;
    }

    private StatsPartHeader header(String tag, RowStatsColumns rows) {
        return new StatsPartHeader(StatsPartHeader.FORMAT_VERSION, tag, subtask(), parallelism(), settings.shards,
                settings.spec.fingerprint(), settings.canonicalMapId, settings.canonicalMapFingerprint, settings.spec.toJson(),
                settings.clock, totals[CLOCK] == Long.MIN_VALUE ? 0 : totals[CLOCK], settings.halfLife, settings.corpusWeight,
                settings.inferenceWeight, totals[TOKENS], totals[LOOKUPS], totals[RECORDS], totals[DEAD], rows.size(),
                System.currentTimeMillis());
    }

    @Override public void endInput() throws Exception {
        if (settings.outDir != null) {
            RowStatsColumns rows = collectRows();
            StatsDirectory.publishPart(Path.of(settings.outDir), header(StatsDirectory.FINAL_TAG, rows), rows);
            // The subtask that completes the final set publishes its snapshot.
            if (StatsDirectory.tryComplete(Path.of(settings.outDir), StatsDirectory.FINAL_TAG, parallelism())) {
                publishSnapshot(StatsDirectory.FINAL_TAG, -1);
            }
        }
    }

    /**
     * A statistics publication just became complete (after its checkpoint completed, or at the end
     * of a bounded input): place and publish its snapshot, once, whichever subtask gets here first.
     * A failure is reported and counting goes on; nothing partial becomes visible.
     */
    private void publishSnapshot(String tag, long checkpointId) {
        if (settings.snapshotDir == null || settings.outDir == null) return;
        try {
            StatsSnapshotPublisher.publishOnce(Path.of(settings.outDir), tag, settings.runId, Path.of(settings.snapshotDir),
                            settings.snapshotConfig(), sink(), this::crashHook)
                    .ifPresent(m -> LOG.info("snapshot {} published from statistics {} ({} hot, {} warm rows)",
                            m.version(), tag, m.hotRows(), m.warmRows()));
        } catch (InjectedCrash crash) {
            throw crash;
        } catch (java.io.IOException | RuntimeException e) {
            snapshotFailed("snapshot publication from statistics " + tag, e);
        }
    }

    /** Test hook: the task dies (once per step, across restarts) at the configured publication steps. */
    private void crashHook(String step) throws java.io.IOException {
        if (!settings.crashAtSteps.contains(step)) return;
        Path marker = Path.of(settings.crashMarkerDir).resolve("crashed-at-" + step);
        if (java.nio.file.Files.exists(marker)) return;
        java.nio.file.Files.createDirectories(marker.getParent());
        java.nio.file.Files.createFile(marker);
        throw new InjectedCrash("injected crash after publication step '" + step + "' (test hook)");
    }

    /** The test hook's failure: never caught as a publication failure, it fails the task as a crash would. */
    static final class InjectedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;
        InjectedCrash(String message) { super(message); }
    }

    @Override public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        totalsState.update(List.of(totals.clone()));
        long id = context.getCheckpointId();
        if (settings.dumpDir != null) {
            RowStatsColumns rows = collectRows();
            StatsDirectory.stagePart(Path.of(settings.dumpDir), header(StatsDirectory.checkpointTag(id), rows), rows);
            stagedPublications.add(new Staged(id, settings.dumpDir));
        }
        boolean due = publicationDue(context.getCheckpointTimestamp());
        long[] t = triggers.state();
        publicationClockState.update(List.of(new long[] {globalTokens, t[0], t[1], t[2]}));
        if (due && settings.outDir != null) {
            RowStatsColumns rows = collectRows();
            try {
                StatsDirectory.stagePart(Path.of(settings.outDir), header(StatsDirectory.checkpointTag(id), rows), rows);
                stagedPublications.add(new Staged(id, settings.outDir));
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // A full or read-only disk must not stop the counting: this publication is skipped (its set
                // stays incomplete, so nothing partial becomes visible) and the next checkpoint tries again.
                publicationFailed(id, e);
            }
        }
    }

    /**
     * Whether the checkpoint taken at {@code ts} publishes: decided from values identical in every
     * subtask (see the class comment), and moves the "previous checkpoint" on.
     */
    private boolean publicationDue(long ts) {
        long before = triggers.previousTokens();
        boolean due = triggers.due(ts, globalTokens, !bounded);
        if (due) LOG.info("subtask {}: statistics publication due at checkpoint time {} ({} tokens in the job, previous checkpoint {})",
                subtask(), ts, globalTokens, before);
        return due;
    }

    @Override public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Iterator<Staged> it = stagedPublications.iterator();
        while (it.hasNext()) {
            Staged st = it.next();
            if (st.id() > checkpointId) continue;
            // A statistics publication staged at an earlier checkpoint whose notification never came (notifications
            // are best effort and a later one subsumes them) is committed now, in order: the later completed
            // checkpoint holds everything counted up to it, so those statistics can never be rolled back. (If that
            // earlier checkpoint was aborted before some subtask staged, the set stays incomplete and invisible.)
            boolean publication = st.out().equals(settings.outDir);
            if (st.id() == checkpointId || publication) {
                try {
                    String tag = StatsDirectory.checkpointTag(st.id());
                    boolean complete = StatsDirectory.commitStaged(Path.of(st.out()), tag, subtask(), parallelism());
                    if (complete && publication) publishSnapshot(tag, st.id());
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    publicationFailed(st.id(), e);
                }
            }
            it.remove();   // test dumps of older checkpoints were subsumed; their staging is pruned with the next publication
        }
    }

    private void snapshotFailed(String what, Exception e) {
        publicationFailures.inc();
        LOG.warn("{} (subtask {}) skipped, counting goes on: {}", what, subtask(), e.toString());
    }

    private void publicationFailed(long checkpointId, Exception e) {
        publicationFailures.inc();
        LOG.warn("statistics publication of checkpoint {} (subtask {}) skipped, counting goes on: {}", checkpointId, subtask(), e.toString());
    }

    /** Statistics as of now (tests and the bench read them straight from a finished operator). */
    long[] totals() { return totals.clone(); }
}
