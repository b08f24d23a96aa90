package io.engramstream.stats.job;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One row's statistics as a map value, for the {@code row-map} state layout (one RocksDB entry per
 * row under the shard key). Fixed 32 bytes on the wire.
 */
public final class RowStatsValue {
    public long corpus;
    public long inference;
    public double score;
    public long last;

    public static final class Serializer extends RecordSerializer<RowStatsValue> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override public TypeSerializer<RowStatsValue> duplicate() { return this; }
        @Override public RowStatsValue createInstance() { return new RowStatsValue(); }
        @Override public int getLength() { return 32; }

        @Override public RowStatsValue copy(RowStatsValue f) {
            RowStatsValue v = new RowStatsValue();
            v.corpus = f.corpus;
            v.inference = f.inference;
            v.score = f.score;
            v.last = f.last;
            return v;
        }

        @Override public void serialize(RowStatsValue v, DataOutputView out) throws IOException {
            out.writeLong(v.corpus);
            out.writeLong(v.inference);
            out.writeDouble(v.score);
            out.writeLong(v.last);
        }

        @Override public RowStatsValue deserialize(DataInputView in) throws IOException {
            RowStatsValue v = new RowStatsValue();
            v.corpus = in.readLong();
            v.inference = in.readLong();
            v.score = in.readDouble();
            v.last = in.readLong();
            return v;
        }

        @Override public TypeSerializerSnapshot<RowStatsValue> snapshotConfiguration() { return new Snapshot(); }

        public static final class Snapshot extends SimpleTypeSerializerSnapshot<RowStatsValue> {
            public Snapshot() { super(() -> INSTANCE); }
        }
    }
}
