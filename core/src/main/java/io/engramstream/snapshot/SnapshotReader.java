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

    private static final java.util.List<String> REQUIRED_KEYS = java.util.List.of(SnapshotMetadata.KEY_KIND,
            SnapshotMetadata.KEY_VERSION, SnapshotMetadata.KEY_SPEC, SnapshotMetadata.KEY_CANONICAL_MAP,
            SnapshotMetadata.KEY_LAYER_IDS, SnapshotMetadata.KEY_ROWS);

    /**
     * Reads metadata and all rows. Fails with {@link IllegalArgumentException} on a file that is not
     * a snapshot or is damaged (whatever Arrow throws on corrupt bytes), and never lets a corrupt
     * length make it reserve more memory than a bound proportional to the file size.
     */
    public static Snapshot read(Path file) throws IOException {
        try (FileChannel ch = open(file);
             BufferAllocator alloc = new RootAllocator(memoryLimit(ch.size()));
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            return read(file, r, ch.size());
        } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
            throw new IllegalArgumentException(file + ": not an Arrow IPC file (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw damaged(file, e);
        }
    }

    private static Snapshot read(Path file, ArrowFileReader r, long fileBytes) throws IOException {
        VectorSchemaRoot root = r.getVectorSchemaRoot();
        Map<String, String> raw = root.getSchema().getCustomMetadata();
        SnapshotMetadata meta = SnapshotMetadata.fromSchemaMetadata(raw);
        for (String key : REQUIRED_KEYS) {
            // SnapshotWriter writes them all; one missing means a damaged file (a fingerprint silently read as "" would pass checks).
            if (!raw.containsKey(key)) throw new IllegalArgumentException(file + ": schema metadata has no " + key);
        }
        boolean delta = meta.kind() == SnapshotKind.DELTA;
        int layers = meta.layerIds().size();
        String declaredText = root.getSchema().getCustomMetadata().get(SnapshotMetadata.KEY_ROWS);
        long declared = declaredText == null ? -1 : Long.parseLong(declaredText);
        if (declaredText != null && declared < 0) throw new IllegalArgumentException(file + ": metadata declares " + declared + " rows");
        // The declared count sizes the arrays only up to what the file could hold; they grow if it holds more.
        int capacity = (int) Math.min(Math.max(declared, 0), Math.min(1L << 30, (1L << 16) + fileBytes / 8));
        SnapshotRows rows = delta ? SnapshotRows.delta(capacity) : SnapshotRows.full(capacity);
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
                int layer = layerV.get(i);
                if (layers > 0 && layer >= layers) throw new IllegalArgumentException(file + ": row " + rows.size() + " has layer index " + layer + " but the file names " + layers + " layers");
                byte tier = tierV.get(i);
                if (tier < Tier.HOT_CODE || tier > Tier.COLD_CODE) throw new IllegalArgumentException(file + ": row " + rows.size() + " has tier code " + tier);
                long key = RowKey.of(layer, rowV.get(i));
                if (delta) rows.addChange(key, prevV.get(i), tierV.get(i), scoreV.get(i), countV.get(i), lastV.get(i));
                else rows.add(key, tierV.get(i), scoreV.get(i), countV.get(i), lastV.get(i));
            }
        }
        if (declared >= 0 && declared != rows.size())
            throw new IllegalArgumentException(file + ": metadata declares " + declared + " rows but the file holds " + rows.size());
        if (!rows.isSortedByKey()) throw new IllegalArgumentException(file + ": rows are not sorted by (layer, row)");
        return new Snapshot(meta, rows);
    }

    /** Arrow buffers one read may reserve: batches of an intact file (ZSTD included) stay far below this. */
    static long memoryLimit(long fileBytes) {
        return (64L << 20) + 32 * Math.max(fileBytes, 0);
    }

    private static IllegalArgumentException damaged(Path file, RuntimeException e) {
        if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith(file.toString())) return iae;
        String m = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ");
        if (m.length() > 300) m = m.substring(0, 300) + "...";
        return new IllegalArgumentException(file + ": damaged snapshot file (" + e.getClass().getSimpleName() + m + ")", e);
    }

    /** Reads only the metadata (the schema in the file footer). */
    public static SnapshotMetadata readMetadata(Path file) throws IOException {
        return SnapshotMetadata.fromSchemaMetadata(readSchema(file).getCustomMetadata());
    }

    /** The raw schema, with all metadata entries (including row counts). */
    public static Schema readSchema(Path file) throws IOException {
        try (FileChannel ch = open(file);
             BufferAllocator alloc = new RootAllocator(memoryLimit(ch.size()));
             ArrowFileReader r = new ArrowFileReader(ch, alloc, CommonsCompressionFactory.INSTANCE)) {
            return r.getVectorSchemaRoot().getSchema();
        } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
            throw new IllegalArgumentException(file + ": not an Arrow IPC file (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw damaged(file, e);
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
