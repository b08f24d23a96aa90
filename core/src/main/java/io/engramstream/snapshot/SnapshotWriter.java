package io.engramstream.snapshot;

import io.engramstream.spec.RowKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes {@link SnapshotRows} as an Arrow IPC file ({@link SnapshotSchema} columns, metadata in
 * the schema), in record batches of {@link WriteOptions#batchRows()} rows, computing the SHA-256
 * of the bytes as they go out and forcing them to disk before returning. Does not rename or
 * publish anything: {@link SnapshotDirectory} does that.
 */
public final class SnapshotWriter {
    private SnapshotWriter() {}

    /**
     * Writes {@code rows} (sorted by key, as {@link SnapshotRows#sortByKey()} leaves them) to
     * {@code file}, replacing it. Delta rows need delta metadata and vice versa.
     */
    public static WrittenFile write(Path file, SnapshotMetadata metadata, SnapshotRows rows, RowLayout layout,
                                    WriteOptions options) throws IOException {
        if (rows.isDelta() != (metadata.kind() == SnapshotKind.DELTA))
            throw new IllegalArgumentException("rows are " + (rows.isDelta() ? "a delta" : "a full snapshot") + " but metadata says " + metadata.kind().label());
        if (!rows.isSortedByKey()) throw new IllegalArgumentException("snapshot rows must be sorted by (layer, row) with no duplicates");
        int n = rows.size();
        long hot = rows.count(Tier.HOT), warm = rows.count(Tier.WARM);
        if (!rows.isDelta() && hot + warm != n) throw new IllegalArgumentException("a full snapshot lists only hot and warm rows");
        Map<String, String> meta = metadata.toSchemaMetadata();
        meta.put(SnapshotMetadata.KEY_ROWS, Long.toString(n));
        meta.put(SnapshotMetadata.KEY_ROWS_HOT, Long.toString(hot));
        meta.put(SnapshotMetadata.KEY_ROWS_WARM, Long.toString(warm));
        Schema schema = SnapshotSchema.schema(metadata.kind(), meta);

        MessageDigest digest = Sha256.newDigest();
        try (BufferAllocator alloc = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            DigestingChannel out = new DigestingChannel(ch, digest);
            boolean done = false;
            try (ArrowFileWriter w = options.zstd()
                    ? new ArrowFileWriter(root, null, out, null, IpcOption.DEFAULT, CommonsCompressionFactory.INSTANCE,
                            CompressionUtil.CodecType.ZSTD)
                    : new ArrowFileWriter(root, null, out, null, IpcOption.DEFAULT, NoCompressionCodec.Factory.INSTANCE,
                            CompressionUtil.CodecType.NO_COMPRESSION)) {
                SmallIntVector layerV = (SmallIntVector) root.getVector(SnapshotSchema.LAYER);
                TinyIntVector orderV = (TinyIntVector) root.getVector(SnapshotSchema.ORDER);
                SmallIntVector headV = (SmallIntVector) root.getVector(SnapshotSchema.HEAD);
                BigIntVector bucketV = (BigIntVector) root.getVector(SnapshotSchema.BUCKET);
                BigIntVector rowV = (BigIntVector) root.getVector(SnapshotSchema.ROW);
                TinyIntVector tierV = (TinyIntVector) root.getVector(SnapshotSchema.TIER);
                Float8Vector scoreV = (Float8Vector) root.getVector(SnapshotSchema.SCORE);
                BigIntVector countV = (BigIntVector) root.getVector(SnapshotSchema.COUNT);
                BigIntVector lastV = (BigIntVector) root.getVector(SnapshotSchema.LAST_ACCESS);
                TinyIntVector prevV = rows.isDelta() ? (TinyIntVector) root.getVector(SnapshotSchema.PREV_TIER) : null;
                int batch = Math.min(options.batchRows(), Math.max(n, 1));
                int hpn = layout.headsPerNgram();
                int curLayer = -1, j = 0;
                long lo = 0, hi = -1;           // [lo, hi) = row range of flat head j in curLayer
                w.start();
                for (int from = 0; from < n || (n == 0 && from == 0); from += batch) {
                    int len = Math.min(batch, n - from);
                    for (FieldVector v : root.getFieldVectors()) ((BaseFixedWidthVector) v).allocateNew(Math.max(len, 1));
                    ArrowBuf layerB = layerV.getDataBuffer(), orderB = orderV.getDataBuffer(), headB = headV.getDataBuffer();
                    ArrowBuf bucketB = bucketV.getDataBuffer(), rowB = rowV.getDataBuffer(), tierB = tierV.getDataBuffer();
                    ArrowBuf scoreB = scoreV.getDataBuffer(), countB = countV.getDataBuffer(), lastB = lastV.getDataBuffer();
                    ArrowBuf prevB = prevV == null ? null : prevV.getDataBuffer();
                    // Rows ascend, so the head segment of each row is found by walking forward, not searching.
                    for (int i = 0; i < len; i++) {
                        int r = from + i;
                        long key = rows.key(r);
                        int layer = RowKey.layerIndex(key);
                        long row = RowKey.row(key);
                        if (layer != curLayer || row < lo) {
                            curLayer = layer;
                            j = layout.flatHead(layer, row);
                            lo = layout.headOffsetUnchecked(layer, j);
                            hi = layout.headOffsetUnchecked(layer, j + 1);
                        }
                        while (row >= hi) {
                            if (j + 1 >= layout.headsPerLayer()) throw new IllegalArgumentException("row " + row + " outside layer " + layer);
                            j++;
                            lo = hi;
                            hi = layout.headOffsetUnchecked(layer, j + 1);
                        }
                        layerB.setShort(2L * i, layer);
                        orderB.setByte(i, j / hpn + 2);
                        headB.setShort(2L * i, j % hpn);
                        bucketB.setLong(8L * i, row - lo);
                        rowB.setLong(8L * i, row);
                        tierB.setByte(i, rows.tierCode(r));
                        scoreB.setDouble(8L * i, rows.score(r));
                        countB.setLong(8L * i, rows.count(r));
                        lastB.setLong(8L * i, rows.lastAccess(r));
                        if (prevB != null) prevB.setByte(i, rows.previousTierCode(r));
                    }
                    // Every value is present: set all validity bits at once.
                    for (FieldVector v : root.getFieldVectors()) {
                        v.getValidityBuffer().setOne(0, (len + 7) / 8);
                        v.setValueCount(len);
                    }
                    root.setRowCount(len);
                    w.writeBatch();
                    if (n == 0) break;
                }
                w.end();
                done = true;
            } finally {
                if (!done) out.cancel();
            }
            ch.force(true);
            return new WrittenFile(file, ch.size(), Sha256.hex(out.finish()), n, hot, warm);
        }
    }

    /**
     * Passes bytes to the file and, on a second thread, to the SHA-256 digest (hashing runs at
     * ~0.5 GB/s here, as fast as writing, so overlapping the two nearly halves publication time).
     * Copies go through a bounded queue, so memory stays at a few buffers.
     */
    private static final class DigestingChannel implements WritableByteChannel {
        private static final byte[] END = new byte[0];
        private final FileChannel ch;
        private final MessageDigest digest;
        private final java.util.concurrent.ArrayBlockingQueue<byte[]> queue = new java.util.concurrent.ArrayBlockingQueue<>(4);
        private final Thread hasher;
        private volatile Throwable failure;

        DigestingChannel(FileChannel ch, MessageDigest digest) {
            this.ch = ch;
            this.digest = digest;
            hasher = new Thread(() -> {
                try {
                    for (byte[] b; (b = queue.take()) != END; ) digest.update(b);
                } catch (Throwable t) {
                    failure = t;
                }
            }, "snapshot-sha256");
            hasher.setDaemon(true);
            hasher.start();
        }

        @Override public int write(ByteBuffer src) throws IOException {
            ByteBuffer view = src.duplicate();
            int n = ch.write(src);
            byte[] copy = new byte[n];
            view.get(copy);
            put(copy);
            return n;
        }

        private void put(byte[] b) throws IOException {
            try {
                while (!queue.offer(b, 1, java.util.concurrent.TimeUnit.SECONDS)) {
                    if (failure != null || !hasher.isAlive()) throw new IOException("SHA-256 thread failed", failure);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while hashing");
            }
        }

        /** Waits for the digest of everything written. */
        byte[] finish() throws IOException {
            put(END);
            try {
                hasher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while hashing");
            }
            if (failure != null) throw new IOException("SHA-256 thread failed", failure);
            return digest.digest();
        }

        void cancel() { queue.clear(); queue.offer(END); }

        @Override public boolean isOpen() { return ch.isOpen(); }
        @Override public void close() { /* the caller closes the file after forcing it */ }
    }
}
