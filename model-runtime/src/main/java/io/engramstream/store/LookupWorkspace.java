package io.engramstream.store;

import io.engramstream.snapshot.Tier;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything one lookup needs on the host, reused from batch to batch. {@link #stage} is the host
 * half (what a prefetch runs in the background), {@link #execute} the device half. Two ways:
 *
 * <ul>
 *   <li><b>host assembly</b> (the hot tier is host memory, i.e. a CPU device): every row lookup's
 *       tier is resolved through the placement's {@link RowIndex} and its row copied from the hot
 *       buffer, the warm tier or the mapped file straight to its place in one staging buffer per
 *       layer, which is the whole output in the device type. The device half is then one array
 *       creation and one cast (or copy) per layer: fewer engine calls than the flat table's hash +
 *       gather + cast, and no deduplication or scatter (on a CPU every row read costs a DRAM
 *       access wherever it comes from, so gathering a duplicate once saves nothing).</li>
 *   <li><b>device gather</b> (a GPU hot tier): the batch's RowKeys are deduplicated, each distinct
 *       row classified, warm and cold rows copied to a staging buffer, and the device gathers the
 *       hot rows, joins them with the staged rows and scatters them into {@code [B, T, heads]}
 *       order: only the distinct non-hot rows cross to the device.</li>
 * </ul>
 *
 * Staging works layer by layer, and two threads can share it: a prefetch starts it in the
 * background, and the lookup that wants the batch before it is done takes the layers nobody has
 * started ({@link #stageShared}), so a batch's host half runs on two cores when two are free.
 * Primitive arrays and direct buffers grown on demand: after warm-up, staging allocates nothing
 * (hot path).
 */
final class LookupWorkspace {
    /** Host assembly stages a layer in this many position ranges, so two threads can share a batch evenly. */
    static final int MAX_PARTS_PER_LAYER = 64;
    static volatile int partsPerLayerSetting = Integer.getInteger("engram.store.parts", 16);
    /** This batch's parts per layer (read from the setting when a batch is prepared). */
    private int partsPerLayer = 4;

    private final StoreLayout layout;
    private final ColdTable cold;
    private final TokenHasher hasher;
    private final StoreMetrics metrics;
    private final LayerStage[] layers;
    private long[] seqKeys = new long[0];
    /** Assemble on the host when the placement's hot tier is host memory (else, or when false: device gather). */
    private final boolean hostAssembly;
    /** Staging buffers on 2 MiB pages where possible ({@link HostMemory}). */
    private final boolean hugePages;

    TokenBatch batch;
    Placement placement;
    long writeVersion;
    /** Whether the staged batch was assembled on the host (see the class comment). */
    boolean assembled;

    // sharing one staging between a background and a foreground thread (guarded by this for waits)
    private final AtomicInteger hashClaim = new AtomicInteger();
    private volatile boolean hashed;
    private final AtomicInteger nextPart = new AtomicInteger();
    private final AtomicInteger partsDone = new AtomicInteger();
    private int parts;
    private volatile RuntimeException failure;
    /** Background part: 0 not started (the foreground may cancel it), 1 running, 2 finished or cancelled. */
    private final AtomicInteger background = new AtomicInteger(2);

    /** One layer's staged lookup. */
    private static final class LayerStage {
        long[] keys = new long[0];
        /** Host assembly: per part, the hot, warm and cold list lengths (each part's lists start at its first position). */
        final int[] counts = new int[3 * MAX_PARTS_PER_LAYER];
        // device gather
        final RowDeduper deduper = new RowDeduper();
        int[] inverse = new int[0];
        int[] remap = new int[0];
        byte[] tierOf = new byte[0];
        int[] warmSlots = new int[0];
        long[] coldRows = new long[0];
        ByteBuffer finalIdx = RowCopy.allocate(0);
        ByteBuffer hotSlots = RowCopy.allocate(0);
        ByteBuffer hostRows = RowCopy.allocate(0);
        int n, unique, hot, warm, coldCount;
        // host assembly: per tier, the output positions and where their rows are
        int[] hotPos = new int[0], warmPos = new int[0], coldPos = new int[0];
        long[] hotAt = new long[0], warmAt = new long[0];
        long[] coldAt = new long[0];
        ByteBuffer out = RowCopy.allocate(0);
    }

    LookupWorkspace(StoreLayout layout, ColdTable cold, TokenHasher hasher, StoreMetrics metrics, boolean hostAssembly, boolean hugePages) {
        this.layout = layout;
        this.hostAssembly = hostAssembly;
        this.hugePages = hugePages;
        this.cold = cold;
        this.hasher = hasher;
        this.metrics = metrics;
        this.layers = new LayerStage[layout.numLayers()];
        for (int l = 0; l < layers.length; l++) layers[l] = new LayerStage();
    }

    /**
     * Starts staging {@code b} under placement {@code p} (whose reference this workspace now
     * holds): nothing runs yet. {@code inBackground}: a background task will call
     * {@link #runBackground}; the foreground calls {@link #stageShared} either way.
     */
    void prepare(TokenBatch b, Placement p, long version, boolean inBackground) {
        this.batch = b;
        this.placement = p;
        this.writeVersion = version;
        this.assembled = hostAssembly && p.hot.hostRows() != null;
        hashClaim.set(0);
        hashed = false;
        nextPart.set(0);
        partsDone.set(0);
        partsPerLayer = Math.max(1, Math.min(MAX_PARTS_PER_LAYER, partsPerLayerSetting));
        parts = layers.length * (assembled ? partsPerLayer : 1);
        failure = null;
        background.set(inBackground ? 0 : 2);
    }

    /** Hashes, deduplicates, classifies and copies the rows of {@code b} under placement {@code p}, in this thread. */
    void stage(TokenBatch b, Placement p, long version) {
        prepare(b, p, version, false);
        stageShared();
    }

    /** The background task's part: whatever the foreground has not taken. */
    void runBackground() {
        if (!background.compareAndSet(0, 1)) return;   // the lookup came first and did it all
        try {
            runShared();
        } catch (RuntimeException e) {
            // recorded in failure; the foreground reports it
        } finally {
            background.set(2);
            synchronized (this) { notifyAll(); }
        }
    }

    /** Cancels the background part if it has not started; true when no background task will touch this workspace. */
    boolean cancelBackground() {
        return background.compareAndSet(0, 2) || background.get() == 2;
    }

    /**
     * The foreground's part: runs the parts of the staging nobody has started, then waits for the
     * others'. Returns when the batch is staged and no background task touches this workspace any
     * more (one not started yet is cancelled).
     *
     * @throws RuntimeException what staging threw, in whichever thread
     */
    void stageShared() {
        try {
            runShared();
        } finally {
            if (!background.compareAndSet(0, 2)) awaitState(() -> background.get() == 2);
        }
    }

    private void runShared() {
        if (hashClaim.compareAndSet(0, 1)) {
            try {
                hashAll();
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                hashed = true;
                synchronized (this) { notifyAll(); }
            }
        } else {
            awaitState(() -> hashed);
        }
        if (failure == null) {
            for (int part; (part = nextPart.getAndIncrement()) < parts; ) {
                try {
                    stagePart(part);
                } catch (RuntimeException e) {
                    if (failure == null) failure = e;
                } finally {
                    partsDone.incrementAndGet();
                    synchronized (this) { notifyAll(); }
                }
            }
            awaitState(() -> partsDone.get() >= parts);
        }
        RuntimeException f = failure;
        if (f != null) throw f;
    }

    private void awaitState(java.util.function.BooleanSupplier done) {
        if (done.getAsBoolean()) return;
        synchronized (this) {
            boolean interrupted = false;
            while (!done.getAsBoolean()) {
                try {
                    wait(5);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void hashAll() {
        TokenBatch b = batch;
        int bs = b.batchSize(), len = b.seqLen(), heads = layout.headsPerLayer(), numLayers = layers.length;
        int perSeqLayer = len * heads;
        int n = bs * perSeqLayer;
        if (seqKeys.length < numLayers * perSeqLayer) seqKeys = new long[numLayers * perSeqLayer];
        for (LayerStage s : layers) {
            if (s.keys.length < n) { s.keys = new long[n]; s.inverse = new int[n]; }
            s.n = n;
        }
        int[] tokens = b.tokens();
        long t0 = System.nanoTime();
        for (int seq = 0; seq < bs; seq++) {
            hasher.hashRowKeys(tokens, seq * len, len, seqKeys);
            for (int l = 0; l < numLayers; l++) {
                System.arraycopy(seqKeys, l * perSeqLayer, layers[l].keys, seq * perSeqLayer, perSeqLayer);
            }
        }
        metrics.hashNanos.add(System.nanoTime() - t0);
        metrics.positions.add((long) n * numLayers);
        if (assembled) {
            for (LayerStage s : layers) {
                if (s.hotPos.length < n) {
                    s.hotPos = new int[n]; s.hotAt = new long[n];
                    s.warmPos = new int[n]; s.warmAt = new long[n];
                    s.coldPos = new int[n]; s.coldAt = new long[n];
                }
                s.out = ensure(s.out, (long) n * layout.deviceRowBytes());
            }
        }
    }

    private void stagePart(int part) {
        if (assembled) {
            int l = part / partsPerLayer, q = part % partsPerLayer;
            LayerStage s = layers[l];
            long t0 = System.nanoTime();
            resolve(l, s, q, placement);
            metrics.resolveNanos.add(System.nanoTime() - t0);
            assemble(s, q, placement);
        } else {
            LayerStage s = layers[part];
            classify(s, placement);
            copyHostRows(s, placement);
        }
    }

    private int partStart(int n, int q) { return (int) ((long) n * q / partsPerLayer); }

    /** Copies the staged batch's rows again from placement {@code p} (the one it was staged on), after rows were written. */
    void refresh(Placement p) {
        for (LayerStage s : layers) {
            if (assembled) {
                for (int q = 0; q < partsPerLayer; q++) assemble(s, q, p);
            } else {
                copyHostRows(s, p);
            }
        }
    }

    /** Host assembly, step 1: the tier and slot of every row lookup of part {@code q} of one layer (no deduplication). */
    private void resolve(int layer, LayerStage s, int q, Placement p) {
        int from = partStart(s.n, q), to = partStart(s.n, q + 1);
        p.index.resolve(layer, s.keys, from, to, s.hotPos, s.hotAt, s.warmPos, s.warmAt, s.coldPos, s.coldAt, s.counts, 3 * q);
        metrics.tier(Tier.HOT).positions.add(s.counts[3 * q]);
        metrics.tier(Tier.WARM).positions.add(s.counts[3 * q + 1]);
        metrics.tier(Tier.COLD).positions.add(s.counts[3 * q + 2]);
    }

    /** Host assembly, step 2: copies every row lookup's row of part {@code q}, in the device type, to its place in the layer's output buffer. */
    private void assemble(LayerStage s, int q, Placement p) {
        int drb = layout.deviceRowBytes(), rb = layout.rowBytes();
        int from = partStart(s.n, q), n = partStart(s.n, q + 1) - from;
        int hot = s.counts[3 * q], warm = s.counts[3 * q + 1], coldCount = s.counts[3 * q + 2];
        ByteBuffer hotRows = p.hot.hostRows();
        ByteBuffer out = s.out;
        int[] hotPos = s.hotPos;
        long[] hotAt = s.hotAt;
        long t0 = System.nanoTime();
        long[] hotAddress = p.hot.hostAddress();
        if (hotAddress != null && RowCopy.rawCopies(drb)) {
            RawMemory.copyRows(hotAddress, 31, Integer.MAX_VALUE, p.hot.rows(), hotAt, hotPos, from, hot, drb, out, drb);
        } else {
            long touched = 0;   // touch a block, then copy it: the short loop keeps more misses in flight (see RowIndex.resolve)
            boolean touch = RowIndex.touchFirst;
            int block = RowCopy.rowBlock;
            for (int b0 = from, end = from + hot; b0 < end; b0 += block) {
                int b1 = Math.min(end, b0 + block);
                if (touch) for (int k = b0; k < b1; k++) touched += RowCopy.touch(hotRows, (int) hotAt[k] * drb, drb);
                for (int k = b0; k < b1; k++) out.put(hotPos[k] * drb, hotRows, (int) hotAt[k] * drb, drb);
            }
            RowIndex.sink = touched;
        }
        long t1 = System.nanoTime();
        p.warm.copyDeviceRows(s.warmAt, s.warmPos, from, warm, out, drb);
        long t2 = System.nanoTime();
        cold.copyDeviceRows(s.coldAt, s.coldPos, from, coldCount, out, drb);
        long t3 = System.nanoTime();
        metrics.tier(Tier.HOT).record(n, hot, (long) hot * drb, t1 - t0);
        metrics.tier(Tier.WARM).record(n - hot, warm, (long) warm * rb, t2 - t1);
        metrics.tier(Tier.COLD).record(coldCount, coldCount, (long) coldCount * rb, t3 - t2);
    }

    private void classify(LayerStage s, Placement p) {
        int n = s.n;
        s.deduper.reset(n);
        long[] keys = s.keys;
        int[] inv = s.inverse;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) inv[i] = s.deduper.idOf(keys[i]);
        long t1 = System.nanoTime();
        metrics.dedupeNanos.add(t1 - t0);
        int u = s.deduper.uniqueCount();
        long[] uk = s.deduper.uniqueKeys();
        if (s.remap.length < u) {
            int cap = Math.max(u, s.remap.length * 3 / 2);
            s.remap = new int[cap];
            s.tierOf = new byte[cap];
            s.warmSlots = new int[cap];
            s.coldRows = new long[cap];
        }
        s.hotSlots = ensure(s.hotSlots, (long) u * 8);
        s.hostRows = ensure(s.hostRows, (long) u * layout.deviceRowBytes());
        s.finalIdx = ensure(s.finalIdx, (long) n * 8);
        RowIndex index = p.index;
        ByteBuffer hotSlots = s.hotSlots;
        int hot = 0, warm = 0, coldCount = 0;
        for (int k = 0; k < u; k++) {
            long key = uk[k];
            int code = index.get(key);
            if (code >= 0) {
                hotSlots.putLong(hot * 8, code);
                s.tierOf[k] = 0;
                s.remap[k] = hot++;
            } else if (code != RowIndex.MISSING) {
                s.warmSlots[warm] = Placement.warmSlot(code);
                s.tierOf[k] = 1;
                s.remap[k] = warm++;
            } else {
                layout.checkKey(key);
                s.coldRows[coldCount] = cold.globalRow(key);
                s.tierOf[k] = 2;
                s.remap[k] = coldCount++;
            }
        }
        long t2 = System.nanoTime();
        metrics.resolveNanos.add(t2 - t1);
        // distinct rows are laid out hot first, then warm, then cold: the order of the concat in execute()
        int warmBase = hot, coldBase = hot + warm;
        for (int k = 0; k < u; k++) {
            byte t = s.tierOf[k];
            if (t == 1) s.remap[k] += warmBase; else if (t == 2) s.remap[k] += coldBase;
        }
        ByteBuffer fin = s.finalIdx;
        int[] remap = s.remap;
        int hotPositions = 0, hostPositions = 0;
        for (int i = 0; i < n; i++) {
            int r = remap[inv[i]];
            fin.putLong(i * 8, r);
            hotPositions += r < hot ? 1 : 0;
            hostPositions += r < coldBase ? 1 : 0;
        }
        metrics.tier(Tier.HOT).positions.add(hotPositions);
        metrics.tier(Tier.WARM).positions.add(hostPositions - hotPositions);
        metrics.tier(Tier.COLD).positions.add(n - hostPositions);
        metrics.scatterIndexNanos.add(System.nanoTime() - t2);
        s.unique = u;
        s.hot = hot;
        s.warm = warm;
        s.coldCount = coldCount;
        metrics.distinctRows.add(u);
    }

    /** Device gather: copies one layer's warm and cold rows into its staging buffer (again, after writes). */
    private void copyHostRows(LayerStage s, Placement p) {
        int drb = layout.deviceRowBytes(), rb = layout.rowBytes();
        ByteBuffer host = s.hostRows;
        long t0 = System.nanoTime();
        for (int k = 0; k < s.warm; k++) p.warm.copyDeviceRow(s.warmSlots[k], host, k * drb);
        long t1 = System.nanoTime();
        int base = s.warm;
        for (int k = 0; k < s.coldCount; k++) cold.copyDeviceRow(s.coldRows[k], host, (base + k) * drb);
        long t2 = System.nanoTime();
        metrics.tier(Tier.WARM).record(s.unique - s.hot, s.warm, (long) s.warm * rb, t1 - t0);
        metrics.tier(Tier.COLD).record(s.coldCount, s.coldCount, (long) s.coldCount * rb, t2 - t1);
    }

    /**
     * The device half. Host assembly: the staged output becomes the layer's array (one creation over
     * the staging buffer and one cast to FLOAT32, or a copy when the rows are FLOAT32 already: the
     * result must not share the buffer, which the next batch reuses). Device gather: gathers hot
     * rows, joins them with the staged host rows and scatters into place.
     */
    NDList execute(NDManager target, Device device) {
        long t0 = System.nanoTime();
        try {
            return assembled ? executeAssembled(target, device) : executeGather(target, device);
        } finally {
            metrics.engineNanos.add(System.nanoTime() - t0);
        }
    }

    private NDList executeGather(NDManager target, Device device) {
        int bs = batch.batchSize(), len = batch.seqLen();
        int dim = layout.dim();
        int drb = layout.deviceRowBytes();
        DataType deviceType = layout.format().deviceType();
        NDList out = new NDList(layers.length);
        long hotNanos = 0, hotRows = 0, probed = 0;
        try (NDManager tmp = target.newSubManager(device)) {
            for (LayerStage s : layers) {
                int host = s.warm + s.coldCount;
                NDArray hostNd = host == 0 ? null : tmp.create(slice(s.hostRows, (long) host * drb), new Shape(host, dim), deviceType);
                NDArray hotNd = null;
                if (s.hot > 0) {
                    long t0 = System.nanoTime();
                    NDArray slots = tmp.create(slice(s.hotSlots, (long) s.hot * 8), new Shape(s.hot), DataType.INT64);
                    hotNd = placement.hot.gather(tmp, slots);
                    hotNanos += System.nanoTime() - t0;
                    hotRows += s.hot;
                }
                probed += s.unique;
                NDArray distinct = hotNd == null ? hostNd : hostNd == null ? hotNd : hotNd.concat(hostNd);
                NDArray idx = tmp.create(slice(s.finalIdx, (long) s.n * 8), new Shape(s.n), DataType.INT64);
                NDArray rows = idx.getNDArrayInternal().embedding(idx, distinct, SparseFormat.DENSE).singletonOrThrow();
                if (deviceType != DataType.FLOAT32) rows = rows.toType(DataType.FLOAT32, false);
                NDArray result = rows.reshape(bs, len, (long) layout.headsPerLayer() * dim);
                result.attach(target);
                out.add(result);
            }
        }
        metrics.tier(Tier.HOT).record(probed, hotRows, hotRows * drb, hotNanos);
        return out;
    }

    private NDList executeAssembled(NDManager target, Device device) {
        Shape shape = new Shape(batch.batchSize(), batch.seqLen(), layout.lookupWidth());
        DataType deviceType = layout.format().deviceType();
        long bytes = (long) batch.tokenCount() * layout.headsPerLayer() * layout.deviceRowBytes();
        NDList out = new NDList(layers.length);
        try (NDManager tmp = target.newSubManager(device)) {
            for (LayerStage s : layers) {
                NDArray staged = tmp.create(slice(s.out, bytes), shape, deviceType);
                NDArray result = deviceType == DataType.FLOAT32 ? staged.duplicate() : staged.toType(DataType.FLOAT32, false);
                result.attach(target);
                out.add(result);
            }
        }
        return out;
    }

    /** Direct memory this workspace's staging buffers hold. */
    long bufferBytes() {
        long b = 0;
        for (LayerStage s : layers) b += s.finalIdx.capacity() + s.hotSlots.capacity() + s.hostRows.capacity() + s.out.capacity();
        return b;
    }

    void clear() {
        batch = null;
        placement = null;
    }

    private ByteBuffer ensure(ByteBuffer b, long bytes) {
        if (b.capacity() >= bytes) return b;
        HostMemory.free(b);
        return HostMemory.allocate(Math.max(bytes, Math.min(Integer.MAX_VALUE, b.capacity() * 3L / 2)), hugePages);
    }

    /** A view of the first {@code bytes} bytes starting at 0, as the engine reads from the buffer's address. */
    private static ByteBuffer slice(ByteBuffer b, long bytes) {
        return b.slice(0, (int) bytes).order(ByteOrder.nativeOrder());
    }
}
