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
 * Primitive arrays and direct buffers grown on demand: after warm-up, staging allocates nothing
 * (hot path).
 */
final class LookupWorkspace {
    private final StoreLayout layout;
    private final ColdTable cold;
    private final TokenHasher hasher;
    private final StoreMetrics metrics;
    private final RowDeduper deduper = new RowDeduper();
    private final LayerStage[] layers;
    private long[] seqKeys = new long[0];
    /** Assemble on the host when the placement's hot tier is host memory (else, or when false: device gather). */
    private final boolean hostAssembly;

    /** Time per staging phase, for profiling: hash, dedupe, classify, scatter index, host copies. */
    final long[] phaseNanos = new long[5];

    TokenBatch batch;
    Placement placement;
    long writeVersion;
    /** Whether the staged batch was assembled on the host (see the class comment). */
    boolean assembled;

    /** One layer's staged lookup. */
    private static final class LayerStage {
        long[] keys = new long[0];
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
        int[] hotPos = new int[0], hotAt = new int[0], warmPos = new int[0], warmAt = new int[0], coldPos = new int[0];
        long[] coldAt = new long[0];
        ByteBuffer out = RowCopy.allocate(0);
    }

    LookupWorkspace(StoreLayout layout, ColdTable cold, TokenHasher hasher, StoreMetrics metrics, boolean hostAssembly) {
        this.layout = layout;
        this.hostAssembly = hostAssembly;
        this.cold = cold;
        this.hasher = hasher;
        this.metrics = metrics;
        this.layers = new LayerStage[layout.numLayers()];
        for (int l = 0; l < layers.length; l++) layers[l] = new LayerStage();
    }

    /** Hashes, deduplicates, classifies and copies the host rows of {@code b} under placement {@code p}. */
    void stage(TokenBatch b, Placement p, long version) {
        this.batch = b;
        this.placement = p;
        this.writeVersion = version;
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
        phaseNanos[0] += System.nanoTime() - t0;
        assembled = hostAssembly && p.hot.hostRows() != null;
        if (assembled) {
            long t1 = System.nanoTime();
            for (int l = 0; l < numLayers; l++) resolve(layers[l], p);
            long t2 = System.nanoTime();
            phaseNanos[2] += t2 - t1;
            assemble(p);
            phaseNanos[4] += System.nanoTime() - t2;
        } else {
            for (int l = 0; l < numLayers; l++) classify(layers[l], p);
            long t1 = System.nanoTime();
            copyHostRows(p);
            phaseNanos[4] += System.nanoTime() - t1;
        }
        metrics.positions.add((long) n * numLayers);
    }

    /** Copies the staged batch's rows again from placement {@code p} (the one it was staged on), after rows were written. */
    void refresh(Placement p) {
        if (assembled) assemble(p); else copyHostRows(p);
    }

    /** Host assembly, step 1: the tier and slot of every row lookup of one layer (no deduplication). */
    private void resolve(LayerStage s, Placement p) {
        int n = s.n;
        if (s.hotPos.length < n) {
            s.hotPos = new int[n]; s.hotAt = new int[n];
            s.warmPos = new int[n]; s.warmAt = new int[n];
            s.coldPos = new int[n]; s.coldAt = new long[n];
        }
        s.out = ensure(s.out, (long) n * layout.deviceRowBytes());
        long[] keys = s.keys;
        int[] hotPos = s.hotPos, hotAt = s.hotAt, warmPos = s.warmPos, warmAt = s.warmAt, coldPos = s.coldPos;
        long[] coldAt = s.coldAt;
        RowIndex index = p.index;
        int hot = 0, warm = 0, coldCount = 0;
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            int code = index.get(key);
            if (code >= 0) {
                hotPos[hot] = i;
                hotAt[hot++] = code;
            } else if (code != RowIndex.MISSING) {
                warmPos[warm] = i;
                warmAt[warm++] = Placement.warmSlot(code);
            } else {
                layout.checkKey(key);
                coldPos[coldCount] = i;
                coldAt[coldCount++] = cold.globalRow(key);
            }
        }
        s.hot = hot;
        s.warm = warm;
        s.coldCount = coldCount;
        s.unique = n;
        metrics.tier(Tier.HOT).positions.add(hot);
        metrics.tier(Tier.WARM).positions.add(warm);
        metrics.tier(Tier.COLD).positions.add(coldCount);
    }

    /** Host assembly, step 2: copies every row lookup's row, in the device type, to its place in the layer's output buffer. */
    private void assemble(Placement p) {
        int drb = layout.deviceRowBytes(), rb = layout.rowBytes();
        ByteBuffer hotRows = p.hot.hostRows();
        long hotNanos = 0, warmNanos = 0, coldNanos = 0;
        long hotRowsMoved = 0, warmRows = 0, coldRows = 0, probed = 0;
        for (LayerStage s : layers) {
            ByteBuffer out = s.out;
            int[] hotPos = s.hotPos, hotAt = s.hotAt, warmPos = s.warmPos, warmAt = s.warmAt, coldPos = s.coldPos;
            long[] coldAt = s.coldAt;
            long t0 = System.nanoTime();
            for (int k = 0; k < s.hot; k++) out.put(hotPos[k] * drb, hotRows, hotAt[k] * drb, drb);
            long t1 = System.nanoTime();
            for (int k = 0; k < s.warm; k++) p.warm.copyDeviceRow(warmAt[k], out, warmPos[k] * drb);
            long t2 = System.nanoTime();
            for (int k = 0; k < s.coldCount; k++) cold.copyDeviceRow(coldAt[k], out, coldPos[k] * drb);
            long t3 = System.nanoTime();
            hotNanos += t1 - t0;
            warmNanos += t2 - t1;
            coldNanos += t3 - t2;
            hotRowsMoved += s.hot;
            warmRows += s.warm;
            coldRows += s.coldCount;
            probed += s.n;
        }
        metrics.tier(Tier.HOT).record(probed, hotRowsMoved, hotRowsMoved * drb, hotNanos);
        metrics.tier(Tier.WARM).record(probed - hotRowsMoved, warmRows, warmRows * rb, warmNanos);
        metrics.tier(Tier.COLD).record(coldRows, coldRows, coldRows * rb, coldNanos);
    }

    private void classify(LayerStage s, Placement p) {
        int n = s.n;
        deduper.reset(n);
        long[] keys = s.keys;
        int[] inv = s.inverse;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) inv[i] = deduper.idOf(keys[i]);
        long t1 = System.nanoTime();
        phaseNanos[1] += t1 - t0;
        int u = deduper.uniqueCount();
        long[] uk = deduper.uniqueKeys();
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
        phaseNanos[2] += t2 - t1;
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
        phaseNanos[3] += System.nanoTime() - t2;
        s.unique = u;
        s.hot = hot;
        s.warm = warm;
        s.coldCount = coldCount;
        metrics.distinctRows.add(u);
    }

    /** Copies the warm and cold rows of every layer into the staging buffers (again, after writes). */
    void copyHostRows(Placement p) {
        int drb = layout.deviceRowBytes();
        long warmNanos = 0, coldNanos = 0;
        long warmRows = 0, coldRows = 0, probedWarm = 0;
        for (LayerStage s : layers) {
            ByteBuffer host = s.hostRows;
            long t0 = System.nanoTime();
            for (int k = 0; k < s.warm; k++) p.warm.copyDeviceRow(s.warmSlots[k], host, k * drb);
            long t1 = System.nanoTime();
            int base = s.warm;
            for (int k = 0; k < s.coldCount; k++) cold.copyDeviceRow(s.coldRows[k], host, (base + k) * drb);
            long t2 = System.nanoTime();
            warmNanos += t1 - t0;
            coldNanos += t2 - t1;
            warmRows += s.warm;
            coldRows += s.coldCount;
            probedWarm += s.unique - s.hot;
        }
        int rb = layout.rowBytes();
        metrics.tier(Tier.WARM).record(probedWarm, warmRows, warmRows * rb, warmNanos);
        metrics.tier(Tier.COLD).record(coldRows, coldRows, coldRows * rb, coldNanos);
    }

    /**
     * The device half. Host assembly: the staged output becomes the layer's array (one creation over
     * the staging buffer and one cast to FLOAT32, or a copy when the rows are FLOAT32 already: the
     * result must not share the buffer, which the next batch reuses). Device gather: gathers hot
     * rows, joins them with the staged host rows and scatters into place.
     */
    NDList execute(NDManager target, Device device) {
        if (assembled) return executeAssembled(target, device);
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

    private static ByteBuffer ensure(ByteBuffer b, long bytes) {
        if (b.capacity() >= bytes) return b;
        DirectMemory.free(b);
        return RowCopy.allocate(Math.max(bytes, Math.min(Integer.MAX_VALUE, b.capacity() * 3L / 2)));
    }

    /** A view of the first {@code bytes} bytes starting at 0, as the engine reads from the buffer's address. */
    private static ByteBuffer slice(ByteBuffer b, long bytes) {
        return b.slice(0, (int) bytes).order(ByteOrder.nativeOrder());
    }
}
