package io.engramstream.snapshot;

import io.engramstream.spec.RowKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads snapshot files written by {@link SnapshotWriter} (compressed or not). Row keys are
 * rebuilt from the {@code layer} and {@code row} columns; the derived {@code order}, {@code head}
 * and {@code bucket} columns are not needed to rebuild rows (see {@link RowLayout}).
 */
public final class SnapshotReader {
    private SnapshotReader() {}

    /** Reads metadata and all rows. Fails with {@link IllegalArgumentException} on a file that is not a snapshot. */
    public static Snapshot read(Path file) throws IOException {
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = open(file);
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            SnapshotMetadata meta = SnapshotMetadata.fromSchemaMetadata(root.getSchema().getCustomMetadata());
            boolean delta = meta.kind() == SnapshotKind.DELTA;
            long declared = Long.parseLong(root.getSchema().getCustomMetadata().getOrDefault(SnapshotMetadata.KEY_ROWS, "-1"));
            SnapshotRows rows = delta ? SnapshotRows.delta((int) Math.max(declared, 0)) : SnapshotRows.full((int) Math.max(declared, 0));
            while (r.loadNextBatch()) {
                SmallIntVector layerV = (SmallIntVector) root.getVector(SnapshotSchema.LAYER);
                BigIntVector rowV = (BigIntVector) root.getVector(SnapshotSchema.ROW);
                TinyIntVector tierV = (TinyIntVector) root.getVector(SnapshotSchema.TIER);
                Float8Vector scoreV = (Float8Vector) root.getVector(SnapshotSchema.SCORE);
                BigIntVector countV = (BigIntVector) root.getVector(SnapshotSchema.COUNT);
                BigIntVector lastV = (BigIntVector) root.getVector(SnapshotSchema.LAST_ACCESS);
                TinyIntVector prevV = delta ? (TinyIntVector) root.getVector(SnapshotSchema.PREV_TIER) : null;
                if (layerV == null || rowV == null || tierV == null || scoreV == null || countV == null || lastV == null || (delta && prevV == null))
                    throw new IllegalArgumentException(file + ": missing snapshot columns");
                int n = root.getRowCount();
                for (int i = 0; i < n; i++) {
                    long key = RowKey.of(layerV.get(i), rowV.get(i));
                    if (delta) rows.addChange(key, prevV.get(i), tierV.get(i), scoreV.get(i), countV.get(i), lastV.get(i));
                    else rows.add(key, tierV.get(i), scoreV.get(i), countV.get(i), lastV.get(i));
                }
            }
            if (declared >= 0 && declared != rows.size())
                throw new IllegalArgumentException(file + ": metadata declares " + declared + " rows but the file holds " + rows.size());
            if (!rows.isSortedByKey()) throw new IllegalArgumentException(file + ": rows are not sorted by (layer, row)");
            return new Snapshot(meta, rows);
        } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
            throw new IllegalArgumentException(file + ": not an Arrow IPC file (" + e.getMessage() + ")", e);
        }
    }

    /** Reads only the metadata (the schema in the file footer). */
    public static SnapshotMetadata readMetadata(Path file) throws IOException {
        return SnapshotMetadata.fromSchemaMetadata(readSchema(file).getCustomMetadata());
    }

    /** The raw schema, with all metadata entries (including row counts). */
    public static Schema readSchema(Path file) throws IOException {
        try (BufferAllocator alloc = new RootAllocator();
             FileChannel ch = open(file);
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            return r.getVectorSchemaRoot().getSchema();
        } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
            throw new IllegalArgumentException(file + ": not an Arrow IPC file (" + e.getMessage() + ")", e);
        }
    }

    /** Raw schema metadata entries. */
    public static Map<String, String> readSchemaMetadata(Path file) throws IOException {
        return readSchema(file).getCustomMetadata();
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }
}
