package io.engramstream.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Columns of a snapshot file, in this order, all non-null:
 * <pre>
 * layer       int16   layer index in the spec's layer list (RowKey layer); ids in metadata engram.layer_ids
 * order       int8    N-gram order n (2..maxNgram)
 * head        int16   head within the order (0..headsPerNgram-1)
 * bucket      int64   bucket inside the head's table (hash mod prime)
 * row         int64   row inside the layer's table = headOffsets[layer][(order-2)*headsPerNgram+head] + bucket
 * tier        int8    0 hot, 1 warm, 2 cold (cold only in deltas)
 * score       float64 decayed score at publication time
 * count       int64   lookups counted
 * last_access int64   last access stamp as kept by the statistics (epoch ms of event time)
 * prev_tier   int8    deltas only: the tier in the base version
 * </pre>
 * Rows are sorted by (layer, row).
 */
public final class SnapshotSchema {
    public static final String LAYER = "layer";
    public static final String ORDER = "order";
    public static final String HEAD = "head";
    public static final String BUCKET = "bucket";
    public static final String ROW = "row";
    public static final String TIER = "tier";
    public static final String SCORE = "score";
    public static final String COUNT = "count";
    public static final String LAST_ACCESS = "last_access";
    public static final String PREV_TIER = "prev_tier";

    private SnapshotSchema() {}

    public static Schema schema(SnapshotKind kind, Map<String, String> metadata) {
        List<Field> f = new ArrayList<>();
        f.add(field(LAYER, new ArrowType.Int(16, true)));
        f.add(field(ORDER, new ArrowType.Int(8, true)));
        f.add(field(HEAD, new ArrowType.Int(16, true)));
        f.add(field(BUCKET, new ArrowType.Int(64, true)));
        f.add(field(ROW, new ArrowType.Int(64, true)));
        f.add(field(TIER, new ArrowType.Int(8, true)));
        f.add(field(SCORE, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        f.add(field(COUNT, new ArrowType.Int(64, true)));
        f.add(field(LAST_ACCESS, new ArrowType.Int(64, true)));
        if (kind == SnapshotKind.DELTA) f.add(field(PREV_TIER, new ArrowType.Int(8, true)));
        return new Schema(f, metadata);
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }
}
