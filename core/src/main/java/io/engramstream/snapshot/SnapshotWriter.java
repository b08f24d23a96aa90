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
import org.apache.arrow.memory.BufferAllocator;
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
                w.start();
                for (int from = 0; from < n || (n == 0 && from == 0); from += batch) {
                    int len = Math.min(batch, n - from);
                    root.allocateNew();
                    for (int i = 0; i < len; i++) {
                        int r = from + i;
                        long key = rows.key(r);
                        int layer = RowKey.layerIndex(key);
                        long row = RowKey.row(key);
                        int j = layout.flatHead(layer, row);
                        layerV.setSafe(i, layer);
                        orderV.setSafe(i, j / layout.headsPerNgram() + 2);
                        headV.setSafe(i, j % layout.headsPerNgram());
                        bucketV.setSafe(i, row - layout.headOffsetUnchecked(layer, j));
                        rowV.setSafe(i, row);
                        tierV.setSafe(i, rows.tierCode(r));
                        scoreV.setSafe(i, rows.score(r));
                        countV.setSafe(i, rows.count(r));
                        lastV.setSafe(i, rows.lastAccess(r));
                        if (prevV != null) prevV.setSafe(i, rows.previousTierCode(r));
                    }
                    root.setRowCount(len);
                    w.writeBatch();
                    if (n == 0) break;
                }
                w.end();
            }
            ch.force(true);
            return new WrittenFile(file, ch.size(), Sha256.hex(digest.digest()), n, hot, warm);
        }
    }

    /** Passes bytes to the file and to a digest on the way. */
    private static final class DigestingChannel implements WritableByteChannel {
        private final FileChannel ch;
        private final MessageDigest digest;

        DigestingChannel(FileChannel ch, MessageDigest digest) { this.ch = ch; this.digest = digest; }

        @Override public int write(ByteBuffer src) throws IOException {
            ByteBuffer view = src.duplicate();
            int n = ch.write(src);
            view.limit(view.position() + n);
            digest.update(view);
            return n;
        }

        @Override public boolean isOpen() { return ch.isOpen(); }
        @Override public void close() { /* the caller closes the file after forcing it */ }
    }
}
