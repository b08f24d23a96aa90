package io.engramstream.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The full table of a spec in one file, memory-mapped: the cold tier and the store's
 * authoritative copy (writes go through to it; warm and hot rows are copies).
 *
 * <p>File format ({@code .engt}, little-endian): a 4 KiB header, then every layer's rows in layer
 * order, row-major, {@code dim} elements per row in the header's format. Header: magic
 * {@code ENGRMTBL}, int version (1), int format code (0 fp32, 1 bf16, 2 fp16), int dim, int layers,
 * 16 bytes spec fingerprint (ASCII, zero padded), long data offset (4096), long init seed (-1 when
 * imported), then one long row count per layer.
 *
 * <p>Java maps at most 2 GiB per buffer, so the data is mapped in chunks of whole rows of at most
 * 1 GiB each; a row never straddles two mappings. Reads are safe from any thread; writes must be
 * serialized by the caller (the store holds a lock).
 */
public final class ColdTable implements AutoCloseable {
    public static final String EXTENSION = ".engt";
    static final byte[] MAGIC = "ENGRMTBL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int DATA_OFFSET = 4096;
    static final long DEFAULT_CHUNK_BYTES = 1L << 30;
    private static final int MAX_LAYERS = (DATA_OFFSET - 56) / 8;

    private final Path path;
    private final StoreLayout layout;
    private final boolean writable;
    private final long seed;
    private final int rowBytes;
    /** A power of two (so a row's chunk is a shift, not a 64-bit division: every row read computes it). */
    private final long rowsPerChunk;
    private final int chunkShift;
    private final MappedByteBuffer[] chunks;
    /** The mappings' addresses for raw copies (valid until close), null when not available. */
    private final long[] addresses;
    private final long[] dirty;
    private long dirtyCount;
    private final FileChannel channel;

    private ColdTable(Path path, StoreLayout layout, boolean writable, long seed, long chunkBytes) throws IOException {
        checkNativeOrder();
        this.path = path;
        this.layout = layout;
        this.writable = writable;
        this.seed = seed;
        this.rowBytes = layout.rowBytes();
        this.rowsPerChunk = Long.highestOneBit(Math.max(1, chunkBytes / rowBytes));
        this.chunkShift = Long.numberOfTrailingZeros(rowsPerChunk);
        long total = layout.totalRows();
        int n = (int) ((total + rowsPerChunk - 1) / rowsPerChunk);
        this.channel = writable
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ);
        long needed = DATA_OFFSET + layout.tableBytes();
        long size = channel.size();
        if (size < needed) {
            channel.close();
            throw new IllegalArgumentException("table file " + path + " is truncated: " + size + " bytes, the header needs " + needed);
        }
        this.chunks = new MappedByteBuffer[n];
        FileChannel.MapMode mode = writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY;
        for (int c = 0; c < n; c++) {
            long firstRow = c * rowsPerChunk;
            long rows = Math.min(rowsPerChunk, total - firstRow);
            chunks[c] = channel.map(mode, DATA_OFFSET + firstRow * rowBytes, rows * rowBytes);
            chunks[c].order(ByteOrder.LITTLE_ENDIAN);
        }
        this.addresses = RawMemory.addresses(chunks);
        this.dirty = writable ? new long[(int) ((total + 63) >>> 6)] : new long[0];
    }

    static void checkNativeOrder() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("the embedding store needs a little-endian machine");
        }
    }

    /**
     * Creates a table initialised with seeded pseudo-random values: element {@code (layer, row, e)}
     * is a function of {@code (seed, layer, row, e)} only (see {@link RowInit}), so any row can be
     * recomputed and the file is the same however it is written.
     */
    public static ColdTable create(Path file, StoreLayout layout, long seed, double initStd) throws IOException {
        return create(file, layout, seed, initStd, DEFAULT_CHUNK_BYTES, 0);
    }

    /** Creates a zero-filled (sparse) table, to be filled by an import. */
    public static ColdTable createEmpty(Path file, StoreLayout layout) throws IOException {
        writeHeaderAndSize(file, layout, -1);
        return new ColdTable(file, layout, true, -1, DEFAULT_CHUNK_BYTES);
    }

    static ColdTable create(Path file, StoreLayout layout, long seed, double initStd, long chunkBytes, int threads) throws IOException {
        writeHeaderAndSize(file, layout, seed);
        ColdTable t = new ColdTable(file, layout, true, seed, chunkBytes);
        t.fillRandom(seed, (float) initStd, threads <= 0 ? Math.max(1, Runtime.getRuntime().availableProcessors()) : threads);
        t.flushAll();
        return t;
    }

    /** Opens an existing table and checks its header against {@code expected}. */
    public static ColdTable open(Path file, StoreLayout expected, boolean writable) throws IOException {
        return open(file, expected, writable, DEFAULT_CHUNK_BYTES);
    }

    static ColdTable open(Path file, StoreLayout expected, boolean writable, long chunkBytes) throws IOException {
        Header h = readHeader(file);
        String mismatch = h.mismatch(expected);
        if (mismatch != null) throw new IllegalArgumentException("table file " + file + " does not match the spec: " + mismatch);
        return new ColdTable(file, expected, writable, h.seed, chunkBytes);
    }

    /** What a table file's header says. */
    public static final class Header {
        public final RowFormat format;
        public final int dim;
        public final long[] rowsPerLayer;
        public final String specFingerprint;
        public final long seed;

        Header(RowFormat format, int dim, long[] rowsPerLayer, String specFingerprint, long seed) {
            this.format = format; this.dim = dim; this.rowsPerLayer = rowsPerLayer; this.specFingerprint = specFingerprint; this.seed = seed;
        }

        /** A one-line description of the first difference from {@code l}, or null. */
        public String mismatch(StoreLayout l) {
            if (!specFingerprint.isEmpty() && !l.specFingerprint().isEmpty() && !specFingerprint.equals(l.specFingerprint())) {
                return "spec fingerprint " + specFingerprint + ", expected " + l.specFingerprint();
            }
            if (format != l.format()) return "row format " + format + ", expected " + l.format();
            if (dim != l.dim()) return "dim " + dim + ", expected " + l.dim();
            if (rowsPerLayer.length != l.numLayers()) return rowsPerLayer.length + " layers, expected " + l.numLayers();
            for (int i = 0; i < rowsPerLayer.length; i++) {
                if (rowsPerLayer[i] != l.rowsPerLayer(i)) return "layer " + i + " has " + rowsPerLayer[i] + " rows, expected " + l.rowsPerLayer(i);
            }
            return null;
        }

        public StoreLayout toLayout(int headsPerLayer) {
            return new StoreLayout(rowsPerLayer, headsPerLayer, dim, format, specFingerprint);
        }
    }

    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) > 0) { /* fill */ }
            if (b.position() < 56) throw new IllegalArgumentException(file + " is not an engram table (too short)");
            byte[] magic = new byte[8];
            b.get(0, magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException(file + " is not an engram table (bad magic)");
            int version = b.getInt(8);
            if (version != VERSION) throw new IllegalArgumentException(file + ": unsupported table version " + version);
            RowFormat format = RowFormat.fromCode(b.getInt(12));
            int dim = b.getInt(16);
            int layers = b.getInt(20);
            if (layers <= 0 || layers > MAX_LAYERS || dim <= 0) throw new IllegalArgumentException(file + ": corrupt table header");
            byte[] fp = new byte[16];
            b.get(24, fp);
            int fpLen = 0;
            while (fpLen < 16 && fp[fpLen] != 0) fpLen++;
            long dataOffset = b.getLong(40);
            if (dataOffset != DATA_OFFSET) throw new IllegalArgumentException(file + ": unexpected data offset " + dataOffset);
            long seed = b.getLong(48);
            long[] rows = new long[layers];
            for (int l = 0; l < layers; l++) rows[l] = b.getLong(56 + 8 * l);
            return new Header(format, dim, rows, new String(fp, 0, fpLen, StandardCharsets.US_ASCII), seed);
        }
    }

    private static void writeHeaderAndSize(Path file, StoreLayout layout, long seed) throws IOException {
        if (layout.numLayers() > MAX_LAYERS) throw new IllegalArgumentException("too many layers for the table header");
        ByteBuffer b = ByteBuffer.allocate(DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, MAGIC);
        b.putInt(8, VERSION);
        b.putInt(12, layout.format().code());
        b.putInt(16, layout.dim());
        b.putInt(20, layout.numLayers());
        byte[] fp = layout.specFingerprint().getBytes(StandardCharsets.US_ASCII);
        b.put(24, fp, 0, Math.min(16, fp.length));
        b.putLong(40, DATA_OFFSET);
        b.putLong(48, seed);
        for (int l = 0; l < layout.numLayers(); l++) b.putLong(56 + 8 * l, layout.rowsPerLayer(l));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) ch.write(b);
            // Extending by writing the last byte leaves the data region sparse until it is filled.
            ch.write(ByteBuffer.wrap(new byte[1]), DATA_OFFSET + layout.tableBytes() - 1);
        }
    }

    private void fillRandom(long seed, float std, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> { Thread t = new Thread(r, "engram-table-init"); t.setDaemon(true); return t; });
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < chunks.length; c++) {
                final int chunk = c;
                fs.add(pool.submit(() -> fillChunk(chunk, seed, std)));
            }
            for (Future<?> f : fs) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while initialising " + path, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("initialising " + path + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private void fillChunk(int c, long seed, float std) {
        ByteBuffer buf = chunks[c];
        long first = c * rowsPerChunk;
        long end = Math.min(first + rowsPerChunk, layout.totalRows());
        int dim = layout.dim();
        float[] row = new float[dim];
        int layer = layerOf(first);
        for (long g = first; g < end; g++) {
            while (g >= layout.layerBase(layer + 1)) layer++;
            RowInit.fill(seed, layer, g - layout.layerBase(layer), std, row, 0, dim);
            RowCopy.floatsToStored(row, 0, buf, (int) ((g - first) * rowBytes), dim, layout.format());
        }
    }

    private int layerOf(long globalRow) {
        int l = 0;
        while (globalRow >= layout.layerBase(l + 1)) l++;
        return l;
    }

    public Path path() { return path; }
    public StoreLayout layout() { return layout; }
    public boolean writable() { return writable; }
    /** The seed the table was initialised with, or -1 for an imported table. */
    public long seed() { return seed; }
    public int chunkCount() { return chunks.length; }
    public long fileBytes() { return DATA_OFFSET + layout.tableBytes(); }

    /** Position of a row of a layer among all rows of the file. */
    public long globalRow(int layerIndex, long row) { return layout.layerBase(layerIndex) + row; }

    /** Position of a RowKey's row among all rows of the file. */
    public long globalRow(long key) {
        return layout.layerBase(io.engramstream.spec.RowKey.layerIndex(key)) + io.engramstream.spec.RowKey.row(key);
    }

    /** Copies a row, converted to the device format, into {@code dst} at byte {@code dstOff}. */
    void copyDeviceRow(long globalRow, ByteBuffer dst, int dstOff) {
        int c = (int) (globalRow >>> chunkShift);
        int off = (int) (globalRow & (rowsPerChunk - 1)) * rowBytes;
        RowCopy.storedToDevice(chunks[c], off, dst, dstOff, layout.dim(), layout.format());
    }

    /**
     * Copies rows {@code globalRows[from..from+count)}, converted to the device format, into {@code dst} at
     * byte {@code positions[k] x dstRowBytes}: the lookup's cold-tier loop, with the format decided
     * once (hot path, no allocation).
     */
    void copyDeviceRows(long[] globalRows, int[] positions, int from, int count, ByteBuffer dst, int dstRowBytes) {
        MappedByteBuffer[] cs = chunks;
        int shift = chunkShift, rb = rowBytes;
        long mask = rowsPerChunk - 1;
        if (addresses != null && layout.format().storedAsDevice() && RowCopy.rawCopies(rb)) {
            RawMemory.copyRows(addresses, shift, mask, layout.totalRows(), globalRows, positions, from, count, rb, dst, dstRowBytes);
            return;
        }
        long touched = 0;   // touch a block, then copy it: more misses in flight (see RowIndex.resolve)
        boolean touch = RowIndex.touchFirst;
        int block = RowCopy.rowBlock;
        if (layout.format().storedAsDevice()) {
            for (int b0 = from, end = from + count; b0 < end; b0 += block) {
                int b1 = Math.min(end, b0 + block);
                if (touch) for (int k = b0; k < b1; k++) {
                    long g = globalRows[k];
                    touched += RowCopy.touch(cs[(int) (g >>> shift)], (int) (g & mask) * rb, rb);
                }
                for (int k = b0; k < b1; k++) {
                    long g = globalRows[k];
                    dst.put(positions[k] * dstRowBytes, cs[(int) (g >>> shift)], (int) (g & mask) * rb, rb);
                }
            }
            RowIndex.sink = touched;
        } else {
            int dim = layout.dim();
            RowFormat f = layout.format();
            for (int k = from, end = from + count; k < end; k++) {
                long g = globalRows[k];
                RowCopy.storedToDevice(cs[(int) (g >>> shift)], (int) (g & mask) * rb, dst, positions[k] * dstRowBytes, dim, f);
            }
        }
    }

    /** Copies a row as stored into {@code dst} at byte {@code dstOff}. */
    void copyStoredRow(long globalRow, ByteBuffer dst, int dstOff) {
        int c = (int) (globalRow >>> chunkShift);
        int off = (int) (globalRow & (rowsPerChunk - 1)) * rowBytes;
        dst.put(dstOff, chunks[c], off, rowBytes);
    }

    /** Reads a row as floats. */
    public void readRow(long globalRow, float[] dst, int dstOff) {
        int c = (int) (globalRow >>> chunkShift);
        int off = (int) (globalRow & (rowsPerChunk - 1)) * rowBytes;
        RowCopy.storedToFloats(chunks[c], off, dst, dstOff, layout.dim(), layout.format());
    }

    /** Writes a row (rounded to the table's format) and marks it dirty. Callers serialize writes. */
    public void writeRow(long globalRow, float[] src, int srcOff) {
        if (!writable) throw new IllegalStateException("table " + path + " is open read-only");
        int c = (int) (globalRow >>> chunkShift);
        int off = (int) (globalRow & (rowsPerChunk - 1)) * rowBytes;
        RowCopy.floatsToStored(src, srcOff, chunks[c], off, layout.dim(), layout.format());
        markDirty(globalRow);
    }

    /** Writes a row given in the stored format (for imports). */
    void writeStoredRow(long globalRow, ByteBuffer src, int srcOff) {
        if (!writable) throw new IllegalStateException("table " + path + " is open read-only");
        int c = (int) (globalRow >>> chunkShift);
        int off = (int) (globalRow & (rowsPerChunk - 1)) * rowBytes;
        chunks[c].put(off, src, srcOff, rowBytes);
        markDirty(globalRow);
    }

    private void markDirty(long g) {
        int w = (int) (g >>> 6);
        long bit = 1L << (g & 63);
        if ((dirty[w] & bit) == 0) { dirty[w] |= bit; dirtyCount++; }
    }

    /** Rows written since the last {@link #flush()}. */
    public long dirtyRows() { return dirtyCount; }

    /**
     * Forces the written rows to disk: for each mapping with dirty rows, the byte range from its
     * first to its last dirty row (msync skips clean pages, so a wide range costs little).
     */
    public void flush() {
        if (!writable || dirtyCount == 0) return;
        for (int c = 0; c < chunks.length; c++) {
            long first = c * rowsPerChunk;
            long end = Math.min(first + rowsPerChunk, layout.totalRows());
            long lo = -1, hi = -1;
            for (long g = first; g < end; ) {
                int w = (int) (g >>> 6);
                if (dirty[w] == 0 && (g & 63) == 0 && g + 64 <= end) { g += 64; continue; }
                if ((dirty[w] & (1L << (g & 63))) != 0) { if (lo < 0) lo = g; hi = g; }
                g++;
            }
            if (lo >= 0) chunks[c].force((int) ((lo - first) * rowBytes), (int) ((hi - lo + 1) * rowBytes));
        }
        java.util.Arrays.fill(dirty, 0L);
        dirtyCount = 0;
    }

    private void flushAll() {
        for (MappedByteBuffer m : chunks) m.force();
        java.util.Arrays.fill(dirty, 0L);
        dirtyCount = 0;
    }

    @Override public void close() {
        try {
            flush();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
