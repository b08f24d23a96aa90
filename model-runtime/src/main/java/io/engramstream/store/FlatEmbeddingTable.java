package io.engramstream.store;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.engramstream.spec.RowKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The baseline the tiered store is measured against: every layer's whole table as one NDArray in
 * the engine's memory on one device, looked up by hashing and one gather per layer. Same output
 * as {@link TieredEmbeddingStore#lookup}; holds the full table. {@link #prefetch} hashes the next
 * batch in the background (all there is to stage when every row is in memory).
 */
public final class FlatEmbeddingTable implements AutoCloseable {
    private static final long CHUNK_BYTES = 1L << 30;

    private final StoreLayout layout;
    private final Device device;
    private final NDManager manager;
    private final NDArray[] tables;
    private final List<ByteBuffer> backing = new ArrayList<>();
    private final Supplier<TokenHasher> hashers;
    private final ConcurrentLinkedQueue<Work> pool = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Object[]> staged = new ArrayDeque<>();
    private final ExecutorService prefetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "engram-flat-prefetch");
        t.setDaemon(true);
        return t;
    });

    /** Hashing output of one batch: per layer the row indices as an int64 buffer. */
    private final class Work {
        final TokenHasher hasher = hashers.get();
        long[] seqKeys = new long[0];
        ByteBuffer[] idx = new ByteBuffer[layout.numLayers()];
        TokenBatch batch;
        int n;

        void stage(TokenBatch b) {
            batch = b;
            int len = b.seqLen(), heads = layout.headsPerLayer(), per = len * heads;
            n = b.batchSize() * per;
            if (seqKeys.length < layout.numLayers() * per) seqKeys = new long[layout.numLayers() * per];
            for (int l = 0; l < idx.length; l++) {
                if (idx[l] == null || idx[l].capacity() < n * 8L) idx[l] = RowCopy.allocate(n * 8L);
            }
            for (int s = 0; s < b.batchSize(); s++) {
                hasher.hashRowKeys(b.tokens(), s * len, len, seqKeys);
                for (int l = 0; l < idx.length; l++) {
                    ByteBuffer d = idx[l];
                    int base = (s * per) * 8, src = l * per;
                    for (int i = 0; i < per; i++) d.putLong(base + i * 8, RowKey.row(seqKeys[src + i]));
                }
            }
        }
    }

    private FlatEmbeddingTable(StoreLayout layout, Device device, Supplier<TokenHasher> hashers) {
        this.layout = layout;
        this.device = device;
        this.hashers = hashers;
        this.manager = NDManager.newBaseManager(device);
        this.tables = new NDArray[layout.numLayers()];
    }

    /** Copies the whole cold table into engine memory on {@code device}, on 2 MiB pages where possible. */
    public static FlatEmbeddingTable load(ColdTable cold, Supplier<TokenHasher> hashers, Device device) {
        return load(cold, hashers, device, true);
    }

    /**
     * Copies the whole cold table into engine memory on {@code device}. On a CPU a layer of up to
     * 2 GiB is one host buffer the engine array views ({@link HostMemory}, so {@code hugePages}
     * decides its page size, as it does for the tiered store's tiers: a fair baseline); a larger
     * layer is concatenated by the engine in its own memory.
     */
    public static FlatEmbeddingTable load(ColdTable cold, Supplier<TokenHasher> hashers, Device device, boolean hugePages) {
        StoreLayout layout = cold.layout();
        FlatEmbeddingTable f = new FlatEmbeddingTable(layout, device, hashers);
        int drb = layout.deviceRowBytes();
        for (int l = 0; l < layout.numLayers(); l++) {
            long rows = layout.rowsPerLayer(l);
            boolean oneBuffer = !device.isGpu() && rows * drb <= Integer.MAX_VALUE;
            long rowsPerChunk = oneBuffer ? rows : CHUNK_BYTES / drb;
            NDList parts = new NDList();
            List<ByteBuffer> mine = new ArrayList<>();
            for (long first = 0; first < rows; first += rowsPerChunk) {
                int n = (int) Math.min(rowsPerChunk, rows - first);
                ByteBuffer b = HostMemory.allocate((long) n * drb, hugePages && oneBuffer);
                long g0 = cold.globalRow(l, first);
                for (int i = 0; i < n; i++) cold.copyDeviceRow(g0 + i, b, i * drb);
                parts.add(f.manager.create(b, new Shape(n, layout.dim()), layout.format().deviceType()));
                mine.add(b);
            }
            boolean copied = parts.size() > 1 || device.isGpu();   // else the array is a view of the buffer
            if (parts.size() == 1) {
                f.tables[l] = parts.head();
            } else {
                f.tables[l] = NDArrays.concat(parts, 0);
                parts.close();
            }
            if (copied) mine.forEach(HostMemory::free); else f.backing.addAll(mine);
        }
        return f;
    }

    public long heldBytes() { return layout.totalRows() * layout.deviceRowBytes(); }

    public StoreLayout layout() { return layout; }

    public void prefetch(TokenBatch batch) {
        Work w = work();
        CompletableFuture<Work> f = CompletableFuture.supplyAsync(() -> { w.stage(batch); return w; }, prefetcher);
        synchronized (staged) {
            staged.add(new Object[] {batch, f});
        }
    }

    @SuppressWarnings("unchecked")
    public NDList lookup(NDManager target, TokenBatch batch) {
        Work w = null;
        synchronized (staged) {
            for (java.util.Iterator<Object[]> it = staged.iterator(); it.hasNext(); ) {
                Object[] s = it.next();
                if (s[0] == batch) { it.remove(); w = ((CompletableFuture<Work>) s[1]).join(); break; }
            }
        }
        if (w == null) {
            w = work();
            w.stage(batch);
        }
        NDList out = new NDList(tables.length);
        try (NDManager tmp = target.newSubManager(device)) {
            for (int l = 0; l < tables.length; l++) {
                NDArray idx = tmp.create(w.idx[l].slice(0, w.n * 8).order(ByteOrder.nativeOrder()), new Shape(w.n), DataType.INT64);
                NDArray rows = idx.getNDArrayInternal().embedding(idx, tables[l], SparseFormat.DENSE).singletonOrThrow();
                if (rows.getDataType() != DataType.FLOAT32) rows = rows.toType(DataType.FLOAT32, false);
                NDArray r = rows.reshape(batch.batchSize(), batch.seqLen(), (long) layout.lookupWidth());
                r.attach(target);
                out.add(r);
            }
        } finally {
            w.batch = null;
            pool.add(w);
        }
        return out;
    }

    private Work work() {
        Work w = pool.poll();
        return w != null ? w : new Work();
    }

    @Override public void close() {
        prefetcher.shutdownNow();
        manager.close();
        for (ByteBuffer b : backing) HostMemory.free(b);
        backing.clear();
    }
}
