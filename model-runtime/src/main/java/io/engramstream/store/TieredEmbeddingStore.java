package io.engramstream.store;

import io.engramstream.snapshot.Tier;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engram tables of one spec in three tiers: hot rows as an NDArray on the device, warm rows
 * in host off-heap memory, everything in a memory-mapped cold file (the authoritative copy).
 * Which row is where comes from a {@link PlacementPlan} (a snapshot); a new plan is built in the
 * background and swapped in atomically, and lookups in flight finish on the placement they began
 * with.
 *
 * <p>{@link #lookup} turns a token batch into one {@code [B, T, heads x dim]} FLOAT32 array per
 * layer: hash, deduplicate rows, gather each tier, scatter into place. The values do not depend on
 * the placement. {@link #prefetch} does the host half of a later lookup in the background (the
 * rows a batch needs follow from its tokens alone), so that lookup only runs the device half.
 *
 * <p>Row-wise {@link #readRows}/{@link #writeRows} serve sparse training updates: writes go
 * through to the cold file and to the current placement's copy of the row, and are tracked as
 * dirty until {@link #flush()}. All methods are thread-safe; writes are serialized, and a lookup
 * running concurrently with a write of the same row may see either value.
 */
public final class TieredEmbeddingStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TieredEmbeddingStore.class);
    private static final int MAX_STAGED = 4;

    private final StoreLayout layout;
    private final ColdTable cold;
    private final boolean ownsCold;
    private final Supplier<TokenHasher> hashers;
    private final Device device;
    private final NDManager root;
    private final StoreMetrics metrics = new StoreMetrics();
    private final String expectedCanonicalMap;
    private final long maxHotRows;
    private final long maxWarmRows;
    private final boolean hostAssembly;
    private final boolean hugePages;

    private final AtomicReference<Placement> current = new AtomicReference<>();
    private final AtomicLong epochs = new AtomicLong();
    private final Object swapLock = new Object();
    private final Object writeLock = new Object();
    /** RowKeys written while a placement is being built (guarded by writeLock); null when no build runs. */
    private long[] pendingWrites;
    private int pendingWriteCount;
    private final AtomicLong writeVersion = new AtomicLong();

    private final ConcurrentLinkedQueue<LookupWorkspace> workspaces = new ConcurrentLinkedQueue<>();
    /** Every workspace made, idle or not (for {@link #stagingBytes}). */
    private final ConcurrentLinkedQueue<LookupWorkspace> allWorkspaces = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Staged> staged = new ArrayDeque<>();
    private final ExecutorService prefetcher;
    private final ExecutorService builder;
    private volatile boolean closed;
    private final SnapshotFollower follower;
    private final ManifestTopicFollower manifestFollower;
    /** Tests run writes here: after a placement is built, before it is swapped in. */
    volatile Runnable afterBuildHook;

    /** A batch whose host half is being, or has been, staged in the background. */
    private static final class Staged {
        final TokenBatch batch;
        final LookupWorkspace workspace;
        final CompletableFuture<LookupWorkspace> work;
        Staged(TokenBatch batch, LookupWorkspace workspace, CompletableFuture<LookupWorkspace> work) {
            this.batch = batch; this.workspace = workspace; this.work = work;
        }
    }

    /** How a store is put together; see {@link TieredEmbeddingStore#builder}. */
    public static final class Builder {
        private final StoreLayout layout;
        private final ColdTable cold;
        private final Supplier<TokenHasher> hashers;
        private Device device;
        private boolean ownsCold;
        private int prefetchThreads = 1;
        private String canonicalMapFingerprint;
        private long maxHotRows = Long.MAX_VALUE;
        private long maxWarmRows = Long.MAX_VALUE;
        private PlacementPlan initialPlan;
        private Path snapshotDir;
        private Duration followInterval = Duration.ZERO;
        private java.util.Properties manifestClient;
        private String manifestTopic;
        private boolean hostAssembly = true;
        private boolean hugePages = true;

        private Builder(StoreLayout layout, ColdTable cold, Supplier<TokenHasher> hashers) {
            this.layout = layout; this.cold = cold; this.hashers = hashers;
        }

        /** Where the hot tier lives; default: the engine's default device (a GPU when DJL sees one). */
        public Builder device(Device d) { this.device = d; return this; }
        /** Close the cold table with the store. */
        public Builder ownsColdTable(boolean owns) { this.ownsCold = owns; return this; }
        public Builder prefetchThreads(int n) { this.prefetchThreads = Math.max(1, n); return this; }
        /** Plans naming another canonical map fingerprint are rejected (null: not checked). */
        public Builder canonicalMapFingerprint(String fp) { this.canonicalMapFingerprint = fp; return this; }
        /** Plans with more hot rows than this are rejected (a memory guard). */
        public Builder maxHotRows(long n) { this.maxHotRows = n; return this; }
        public Builder maxWarmRows(long n) { this.maxWarmRows = n; return this; }
        /**
         * Whether lookups are assembled on the host when the hot tier is host memory (a CPU device;
         * default true): each row copied straight to its output place, one array creation per
         * layer. False takes the device-gather path (deduplicate, gather hot rows on the device,
         * scatter), the one a GPU hot tier always takes; for comparisons and tests.
         */
        public Builder hostAssembly(boolean on) { this.hostAssembly = on; return this; }
        /**
         * Whether the hot tier on a CPU, the warm tier, the row index and the lookup staging use
         * 2 MiB pages where the OS allows it (default true; see {@link HostMemory}).
         */
        public Builder hugePages(boolean on) { this.hugePages = on; return this; }
        /** Applied synchronously at build time (seeding the hot tier from the latest snapshot). */
        public Builder initialPlan(PlacementPlan p) { this.initialPlan = p; return this; }

        /**
         * Seeds the placement from the snapshot directory's {@code LATEST} at build time (the
         * default way to start), then, if {@code interval} is positive, follows it.
         */
        public Builder followSnapshots(Path dir, Duration interval) {
            this.snapshotDir = dir;
            this.followInterval = interval == null ? Duration.ZERO : interval;
            return this;
        }

        /**
         * Also follows the manifest topic (Kafka client settings, topic name): manifests of this
         * spec are verified and applied like those from {@code LATEST}; file names resolve against
         * the snapshot directory if one is given, else the manifests' URIs are used.
         */
        public Builder followManifestTopic(java.util.Properties clientProperties, String topic) {
            this.manifestClient = clientProperties;
            this.manifestTopic = topic;
            return this;
        }

        public TieredEmbeddingStore build() {
            return new TieredEmbeddingStore(this);
        }
    }

    /**
     * @param layout the tables' shape (from the spec)
     * @param cold the full table, opened for writing if rows will be written
     * @param hashers makes one hasher per workspace, e.g. {@code () -> new NgramHasher(spec)::hashRowKeys}
     */
    public static Builder builder(StoreLayout layout, ColdTable cold, Supplier<TokenHasher> hashers) {
        return new Builder(layout, cold, hashers);
    }

    /** A store for {@code spec}'s tables over {@code cold}, hashing with the spec's {@link NgramHasher}. */
    public static Builder builder(EngramSpec spec, ColdTable cold) {
        StoreLayout layout = StoreLayout.of(spec);
        if (!cold.layout().sameShape(layout)) {
            throw new IllegalArgumentException("table " + cold.path() + " (" + cold.layout() + ") does not hold spec " + spec.fingerprint() + " (" + layout + ")");
        }
        return new Builder(cold.layout(), cold, () -> new NgramHasher(spec)::hashRowKeys);
    }

    private TieredEmbeddingStore(Builder b) {
        this.layout = Objects.requireNonNull(b.layout);
        this.cold = Objects.requireNonNull(b.cold);
        if (!cold.layout().sameShape(layout)) {
            throw new IllegalArgumentException("cold table " + cold.layout() + " does not match the layout " + layout);
        }
        this.ownsCold = b.ownsCold;
        this.hashers = Objects.requireNonNull(b.hashers);
        this.device = b.device != null ? b.device : Engine.getInstance().defaultDevice();
        this.expectedCanonicalMap = b.canonicalMapFingerprint;
        this.maxHotRows = b.maxHotRows;
        this.maxWarmRows = b.maxWarmRows;
        this.hostAssembly = b.hostAssembly;
        this.hugePages = b.hugePages;
        this.root = NDManager.newBaseManager(device);
        this.prefetcher = Executors.newFixedThreadPool(b.prefetchThreads, daemon("engram-store-prefetch"));
        this.builder = Executors.newSingleThreadExecutor(daemon("engram-store-placement"));
        current.set(Placement.build(epochs.getAndIncrement(), PlacementPlan.coldOnly(), cold, root, device, hugePages));
        if (b.initialPlan != null) {
            try {
                apply(b.initialPlan);
            } catch (SnapshotRejectedException e) {
                LOG.warn("{}; starting cold-only", e.getMessage());
            }
        }
        if (b.snapshotDir != null) {
            follower = new SnapshotFollower(this, b.snapshotDir);
            SnapshotFollower.Outcome o = follower.poll();
            LOG.info("seeded from {}: {} (snapshot {})", b.snapshotDir, o, snapshotId().isEmpty() ? "none" : snapshotId());
            if (!b.followInterval.isZero() && !b.followInterval.isNegative()) follower.start(b.followInterval);
        } else {
            follower = b.manifestClient != null ? new SnapshotFollower(this, null) : null;
        }
        manifestFollower = b.manifestClient == null ? null
                : new ManifestTopicFollower(this, follower, b.manifestClient, b.manifestTopic).start();
    }

    /** The follower of the snapshot directory given to the builder, or null. */
    public SnapshotFollower follower() { return follower; }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> { Thread t = new Thread(r, name); t.setDaemon(true); return t; };
    }

    public StoreLayout layout() { return layout; }
    public Device device() { return device; }
    public StoreMetrics metrics() { return metrics; }
    public ColdTable coldTable() { return cold; }

    // ------------------------------------------------------------------ lookup

    /**
     * One FLOAT32 array {@code [B, T, headsPerLayer x dim]} per layer (in the spec's layer order),
     * attached to {@code manager} and on the store's device. Uses the prefetch staged for this
     * batch if there is one (waiting for it to finish), else stages the batch now.
     */
    public NDList lookup(NDManager manager, TokenBatch batch) {
        ensureOpen();
        long t0 = System.nanoTime();
        LookupWorkspace w = null;
        Staged st = takeStaged(batch);
        if (st != null) {
            w = st.workspace;
            try {
                w.stageShared();   // takes the layers the background has not started, waits for the rest
            } catch (RuntimeException e) {
                recycle(w);        // staging failed: stage again in the foreground
                w = null;
            }
        }
        try {
            if (w != null) {
                metrics.prefetchHits.increment();
                if (w.writeVersion != writeVersion.get()) {
                    // rows were written after staging began: copy the rows again
                    metrics.prefetchRefreshed.increment();
                    Placement cur = acquirePlacement();
                    if (cur == w.placement) {
                        cur.release();
                        long v = writeVersion.get();
                        w.refresh(w.placement);
                        w.writeVersion = v;
                    } else {
                        w.placement.release();
                        w.placement = null;
                        w.stage(batch, cur, writeVersion.get());   // on the placement now current
                    }
                }
            } else {
                metrics.prefetchMisses.increment();
                w = workspace();
                w.stage(batch, acquirePlacement(), writeVersion.get());
            }
            return w.execute(manager, device);
        } finally {
            if (w != null) recycle(w);
            metrics.batches.increment();
            metrics.lookupNanos.add(System.nanoTime() - t0);
        }
    }

    /** Releases the workspace's placement and returns it to the pool; no other thread may touch it. */
    private void recycle(LookupWorkspace w) {
        if (w.placement != null) w.placement.release();
        w.clear();
        workspaces.add(w);
    }

    /**
     * The RowKeys a lookup of {@code batch} reads, in the order of its output: entry
     * {@code (l * B * T + b * T + t) * headsPerLayer + j} is the row of layer {@code l} behind output
     * element {@code [b, t, j * dim .. (j+1) * dim)} of layer {@code l}'s array. For training: the
     * gradient of output position {@code (b, t, j)} belongs to row {@code RowKey.row(key)} of
     * layer {@code RowKey.layerIndex(key)} (sum the gradients of repeated rows before
     * {@link #writeRows}).
     */
    public long[] rowKeys(TokenBatch batch) {
        int len = batch.seqLen(), heads = layout.headsPerLayer(), per = len * heads, layers = layout.numLayers();
        int n = batch.batchSize() * per;
        long[] out = new long[layers * n];
        long[] seq = new long[layers * per];
        TokenHasher h = hashers.get();
        for (int b = 0; b < batch.batchSize(); b++) {
            h.hashRowKeys(batch.tokens(), b * len, len, seq);
            for (int l = 0; l < layers; l++) System.arraycopy(seq, l * per, out, l * n + b * per, per);
        }
        return out;
    }

    /**
     * Stages the host half of {@code batch}'s lookup in the background: hashing, deduplication,
     * tier classification and copying warm and cold rows. A later {@link #lookup} of the same batch
     * (the same object or equal tokens) finds it. At most a few batches are kept staged; older
     * ones are dropped.
     *
     * @return completes when the batch is staged (callers that only want the speed-up ignore it)
     */
    public CompletableFuture<Void> prefetch(TokenBatch batch) {
        ensureOpen();
        LookupWorkspace w = workspace();
        w.prepare(batch, acquirePlacement(), writeVersion.get(), true);
        CompletableFuture<LookupWorkspace> f;
        try {
            f = CompletableFuture.supplyAsync(() -> { w.runBackground(); return w; }, prefetcher);
        } catch (RuntimeException e) {
            recycle(w);
            throw e;
        }
        Staged dropped = null;
        synchronized (staged) {
            staged.addLast(new Staged(batch, w, f));
            if (staged.size() > MAX_STAGED) dropped = staged.pollFirst();
        }
        if (dropped != null) discard(dropped);
        return f.thenRun(() -> { });
    }

    private Staged takeStaged(TokenBatch batch) {
        synchronized (staged) {
            for (Iterator<Staged> it = staged.iterator(); it.hasNext(); ) {
                Staged s = it.next();
                if (s.batch == batch) { it.remove(); return s; }
            }
            for (Iterator<Staged> it = staged.iterator(); it.hasNext(); ) {
                Staged s = it.next();
                if (s.batch.sameTokens(batch)) { it.remove(); return s; }
            }
        }
        return null;
    }

    private void discard(Staged s) {
        if (s.workspace.cancelBackground()) recycle(s.workspace);
        else s.work.whenComplete((w, err) -> recycle(s.workspace));
    }

    private LookupWorkspace workspace() {
        LookupWorkspace w = workspaces.poll();
        if (w != null) return w;
        w = new LookupWorkspace(layout, cold, hashers.get(), metrics, hostAssembly, hugePages);
        allWorkspaces.add(w);
        return w;
    }

    private Placement acquirePlacement() {
        while (true) {
            Placement p = current.get();
            if (p.tryAcquire()) return p;
            // swapped out and released between get() and tryAcquire(): read the new one
        }
    }

    // ------------------------------------------------------------------ placement

    /** Id of the snapshot the current placement came from ("" when cold-only). */
    public String snapshotId() { return current.get().snapshotId(); }
    /** Increases with every swap. */
    public long placementEpoch() { return current.get().epoch(); }
    public int hotRows() { return current.get().hotRows(); }
    public int warmRows() { return current.get().warmRows(); }

    /** Bytes the current placement holds (hot on the device, warm on the host, the row index). */
    public HeldMemory heldMemory() {
        Placement p = acquirePlacement();
        try {
            return new HeldMemory(p.hotBytes(), p.warmBytes(), p.indexBytes());
        } finally {
            p.release();
        }
    }

    /**
     * Direct memory held by the lookup staging buffers (one set per batch in flight or staged by a
     * prefetch, reused): with host assembly a batch's whole output in the device type, e.g. 8 MB
     * for 4 x 512 tokens of the demo spec in fp16. Not part of {@link #heldMemory} (it does not
     * grow with the table or the placement).
     */
    public long stagingBytes() {
        long b = 0;
        for (LookupWorkspace w : allWorkspaces) b += w.bufferBytes();
        return b;
    }

    /** Memory a placement holds; the cold file is mapped, not held. */
    public record HeldMemory(long hotBytes, long warmBytes, long indexBytes) {
        public long total() { return hotBytes + warmBytes + indexBytes; }
    }

    /** The current placement (tests: reference counting). */
    Placement currentPlacement() { return current.get(); }

    /** The tier a row is in under the current placement. */
    public Tier tierOf(long rowKey) {
        int code = current.get().index.get(rowKey);
        return code >= 0 ? Tier.HOT : code != RowIndex.MISSING ? Tier.WARM : Tier.COLD;
    }

    /**
     * Reads a row from the tier that holds it under the current placement (the device array for
     * hot rows, the warm buffer for warm rows, the file for cold rows), as floats. For checks that
     * every copy of a row agrees; lookups and {@link #readRows} are the fast paths.
     */
    public void readPlacedRow(long rowKey, float[] out) {
        layout.checkKey(rowKey);
        Placement p = acquirePlacement();
        try {
            int code = p.index.get(rowKey);
            int dim = layout.dim();
            if (code >= 0) {
                try (NDManager tmp = root.newSubManager(device)) {
                    NDArray slots = tmp.create(new long[] {code});
                    float[] v = p.hot.gather(tmp, slots).toType(DataType.FLOAT32, false).toFloatArray();
                    System.arraycopy(v, 0, out, 0, dim);
                }
            } else if (code != RowIndex.MISSING) {
                ByteBuffer b = ByteBuffer.allocateDirect(layout.deviceRowBytes()).order(ByteOrder.LITTLE_ENDIAN);
                p.warm.copyDeviceRow(Placement.warmSlot(code), b, 0);
                for (int e = 0; e < dim; e++) {
                    out[e] = layout.format().deviceBytesPerElement() == 4 ? b.getFloat(4 * e) : RowFormat.fp16ToFloat(b.getShort(2 * e));
                }
            } else {
                cold.readRow(cold.globalRow(rowKey), out, 0);
            }
        } finally {
            p.release();
        }
    }

    /** The current placement's hot keys, sorted (a copy). */
    public long[] hotKeys() { return current.get().hotKeys().clone(); }
    public long[] warmKeys() { return current.get().warmKeys().clone(); }

    /** Builds {@code plan}'s placement in the background and swaps it in; the future fails with a {@link SnapshotRejectedException}. */
    public CompletableFuture<String> applyAsync(PlacementPlan plan) {
        ensureOpen();
        return CompletableFuture.supplyAsync(() -> { apply(plan); return plan.snapshotId(); }, builder);
    }

    /**
     * Verifies {@code plan}, builds its placement from the current table values and swaps it in.
     * A rejected plan (spec or canonical map mismatch, delta on another base, rows outside the
     * table, over budget) is logged with its reason and leaves the store unchanged.
     */
    public void apply(PlacementPlan plan) {
        synchronized (swapLock) {
            ensureOpen();
            Placement cur = current.get();
            PlacementPlan full;
            try {
                full = verify(plan, cur);
            } catch (SnapshotRejectedException e) {
                reject(e);
                throw e;
            }
            Placement next;
            synchronized (writeLock) {
                pendingWrites = new long[64];
                pendingWriteCount = 0;
            }
            try {
                next = Placement.build(epochs.getAndIncrement(), full, cold, root, device, hugePages);
            } catch (RuntimeException | OutOfMemoryError e) {
                synchronized (writeLock) { pendingWrites = null; }
                SnapshotRejectedException r = new SnapshotRejectedException(plan.snapshotId(), "building the placement failed: " + e, e);
                reject(r);
                throw r;
            }
            if (afterBuildHook != null) afterBuildHook.run();
            Placement old;
            synchronized (writeLock) {
                refreshRows(next, pendingWrites, pendingWriteCount);
                pendingWrites = null;
                old = current.getAndSet(next);
            }
            old.release();
            metrics.swaps.increment();
            LOG.info("placement {} in place: {} hot, {} warm rows (epoch {})", plan.snapshotId(), next.hotRows(), next.warmRows(), next.epoch());
        }
    }

    /** Logs and counts a rejection found outside {@link #apply} (by a follower reading files). */
    void reject(SnapshotRejectedException e) {
        metrics.rejected(e.getMessage());
        LOG.warn("{}; still serving {}", e.getMessage(), snapshotId().isEmpty() ? "the cold-only placement" : "snapshot " + snapshotId());
    }

    /** Whether {@code e} is the rejection the metrics recorded last (apply() records its own). */
    boolean isRecorded(SnapshotRejectedException e) {
        return e.getMessage().equals(metrics.lastRejection());
    }

    /** The canonical map fingerprint plans must carry, or null when not checked. */
    public String canonicalMapFingerprint() { return expectedCanonicalMap; }

    /** Checks a plan against the spec, the canonical map, the current placement and the budgets; returns it as a FULL plan. */
    private PlacementPlan verify(PlacementPlan plan, Placement cur) {
        String id = plan.snapshotId();
        if (plan.specFingerprint() != null && !layout.specFingerprint().isEmpty()
                && !plan.specFingerprint().equals(layout.specFingerprint())) {
            throw new SnapshotRejectedException(id, "spec fingerprint " + plan.specFingerprint() + " does not match the store's " + layout.specFingerprint());
        }
        if (plan.canonicalMapFingerprint() != null && expectedCanonicalMap != null
                && !plan.canonicalMapFingerprint().equals(expectedCanonicalMap)) {
            throw new SnapshotRejectedException(id, "canonical map fingerprint " + plan.canonicalMapFingerprint() + " does not match the store's " + expectedCanonicalMap);
        }
        PlacementPlan full;
        if (plan.kind() == PlacementPlan.Kind.DELTA) {
            if (!plan.baseSnapshotId().equals(cur.snapshotId())) {
                throw new SnapshotRejectedException(id, "delta applies to snapshot " + plan.baseSnapshotId() + " but the store serves "
                        + (cur.snapshotId().isEmpty() ? "no snapshot" : cur.snapshotId()));
            }
            for (long k : plan.deltaKeys()) checkKey(id, k);
            full = plan.resolveAgainst(cur.hotKeys(), cur.warmKeys());
        } else {
            full = plan;
        }
        for (long k : full.hotKeys()) checkKey(id, k);
        for (long k : full.warmKeys()) checkKey(id, k);
        long[] hot = full.hotKeys(), warm = full.warmKeys();
        for (int i = 0, j = 0; i < hot.length && j < warm.length; ) {   // both sorted
            if (hot[i] == warm[j]) throw new SnapshotRejectedException(id, "row " + RowKey.toString(hot[i]) + " is both hot and warm");
            if (hot[i] < warm[j]) i++; else j++;
        }
        if (hot.length > maxHotRows) throw new SnapshotRejectedException(id, hot.length + " hot rows exceed the store's budget of " + maxHotRows);
        if (warm.length > maxWarmRows) throw new SnapshotRejectedException(id, warm.length + " warm rows exceed the store's budget of " + maxWarmRows);
        return full;
    }

    private void checkKey(String id, long key) {
        try {
            layout.checkKey(key);
        } catch (IllegalArgumentException e) {
            throw new SnapshotRejectedException(id, e.getMessage());
        }
    }

    /** Re-copies rows written during a build from the cold table into the new placement's tiers. */
    private void refreshRows(Placement p, long[] keys, int count) {
        if (count == 0) return;
        long[] hotSlots = new long[count];
        long[] hotGlobals = new long[count];
        int hot = 0;
        for (int i = 0; i < count; i++) {
            int code = p.index.get(keys[i]);
            if (code >= 0) { hotSlots[hot] = code; hotGlobals[hot] = cold.globalRow(keys[i]); hot++; }
            else if (code != RowIndex.MISSING) p.warm.loadFrom(cold, cold.globalRow(keys[i]), Placement.warmSlot(code));
        }
        updateHot(p, hotSlots, hotGlobals, hot);
    }

    /** Writes the cold table's current values of rows {@code globals} to hot slots {@code slots}. */
    private void updateHot(Placement p, long[] slots, long[] globals, int count) {
        if (count == 0) return;
        // distinct slots only: an index_put with repeated indices has no defined winner
        long[] s = new long[count];
        long[] g = new long[count];
        RowDeduper d = new RowDeduper();
        d.reset(count);
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (d.idOf(slots[i]) == n) { s[n] = slots[i]; g[n] = globals[i]; n++; }
        }
        int drb = layout.deviceRowBytes();
        ByteBuffer rows = RowCopy.allocate((long) n * drb);
        ByteBuffer idx = RowCopy.allocate((long) n * 8);
        for (int i = 0; i < n; i++) {
            cold.copyDeviceRow(g[i], rows, i * drb);
            idx.putLong(i * 8, s[i]);
        }
        try (NDManager tmp = root.newSubManager(device)) {
            NDArray slotsNd = tmp.create(idx, new Shape(n), DataType.INT64);
            NDArray values = tmp.create(rows, new Shape(n, layout.dim()), layout.format().deviceType());
            p.hot.update(slotsNd, values);
        } finally {
            DirectMemory.free(rows);
            DirectMemory.free(idx);
        }
    }

    // ------------------------------------------------------------------ row access (training)

    /** Reads rows {@code rows[0..count)} of a layer as floats into {@code out} ({@code count x dim}, row-major). */
    public void readRows(int layerIndex, long[] rows, int count, float[] out) {
        int dim = layout.dim();
        if (out.length < (long) count * dim) throw new IllegalArgumentException("output holds " + out.length + " floats, needs " + (long) count * dim);
        for (int i = 0; i < count; i++) cold.readRow(globalRow(layerIndex, rows[i]), out, i * dim);
    }

    public void readRows(int layerIndex, long[] rows, float[] out) { readRows(layerIndex, rows, rows.length, out); }

    /** Reads rows into {@code out} from its position on ({@code count x dim} floats); the position is left unchanged. */
    public void readRows(int layerIndex, long[] rows, int count, FloatBuffer out) {
        int dim = layout.dim();
        float[] row = new float[dim];
        int base = out.position();
        for (int i = 0; i < count; i++) {
            cold.readRow(globalRow(layerIndex, rows[i]), row, 0);
            out.put(base + i * dim, row, 0, dim);
        }
    }

    /**
     * Overwrites rows {@code rows[0..count)} of a layer with {@code values} ({@code count x dim},
     * row-major), rounded to the table's format: in the cold table (marked dirty until
     * {@link #flush()}) and in the current placement's hot or warm copy. When a row appears twice
     * the last value wins.
     */
    public void writeRows(int layerIndex, long[] rows, int count, float[] values) {
        int dim = layout.dim();
        if (values.length < (long) count * dim) throw new IllegalArgumentException("values hold " + values.length + " floats, need " + (long) count * dim);
        for (int i = 0; i < count; i++) globalRow(layerIndex, rows[i]);   // validate all before writing any
        synchronized (writeLock) {
            ensureOpen();
            Placement p = current.get();   // stays current while we hold writeLock
            long[] hotSlots = null, hotGlobals = null;
            int hot = 0;
            for (int i = 0; i < count; i++) {
                long g = globalRow(layerIndex, rows[i]);
                cold.writeRow(g, values, i * dim);
                long key = RowKey.of(layerIndex, rows[i]);
                int code = p.index.get(key);
                if (code >= 0) {
                    if (hotSlots == null) { hotSlots = new long[count]; hotGlobals = new long[count]; }
                    hotSlots[hot] = code;
                    hotGlobals[hot] = g;
                    hot++;
                } else if (code != RowIndex.MISSING) {
                    p.warm.loadFrom(cold, g, Placement.warmSlot(code));
                }
                if (pendingWrites != null) {
                    if (pendingWriteCount == pendingWrites.length) pendingWrites = java.util.Arrays.copyOf(pendingWrites, pendingWriteCount * 2);
                    pendingWrites[pendingWriteCount++] = key;
                }
            }
            updateHot(p, hotSlots, hotGlobals, hot);
            writeVersion.incrementAndGet();
            metrics.rowsWritten.add(count);
        }
    }

    public void writeRows(int layerIndex, long[] rows, float[] values) { writeRows(layerIndex, rows, rows.length, values); }

    /** Writes rows from {@code values}' position on; the position is left unchanged. */
    public void writeRows(int layerIndex, long[] rows, int count, FloatBuffer values) {
        float[] v = new float[count * layout.dim()];
        values.get(values.position(), v, 0, v.length);
        writeRows(layerIndex, rows, count, v);
    }

    /** Rows written since the last flush. */
    public long dirtyRows() {
        synchronized (writeLock) { return cold.dirtyRows(); }
    }

    /** Forces written rows to the table file. */
    public void flush() {
        synchronized (writeLock) { cold.flush(); }
    }

    private long globalRow(int layerIndex, long row) {
        if (layerIndex < 0 || layerIndex >= layout.numLayers()) throw new IllegalArgumentException("no layer index " + layerIndex);
        if (row < 0 || row >= layout.rowsPerLayer(layerIndex)) {
            throw new IllegalArgumentException("row " + row + " is outside layer " + layerIndex + " (" + layout.rowsPerLayer(layerIndex) + " rows)");
        }
        return cold.globalRow(layerIndex, row);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the store is closed");
    }

    /** Stops background work, flushes written rows and frees the tiers. */
    @Override public void close() {
        if (manifestFollower != null) manifestFollower.close();
        if (follower != null) follower.close();
        synchronized (swapLock) {
            if (closed) return;
            closed = true;
        }
        java.util.List<Staged> rest;
        synchronized (staged) {
            rest = new java.util.ArrayList<>(staged);
            staged.clear();
        }
        rest.forEach(this::discard);
        prefetcher.shutdown();
        builder.shutdown();
        try {
            prefetcher.awaitTermination(30, TimeUnit.SECONDS);
            builder.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (writeLock) {
            if (cold.writable()) cold.flush();
        }
        current.get().release();
        root.close();
        if (ownsCold) cold.close();
    }
}
