package io.engramstream.stats.job;

import io.engramstream.stats.RowStatsTable;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Checkpoints a shard's {@link RowStatsTable}: occupied rows only, 40 bytes each. {@link #copy}
 * is an array clone, which the heap backend calls once per shard touched while an asynchronous
 * snapshot is running (copy-on-write).
 */
public final class RowStatsTableSerializer extends RecordSerializer<RowStatsTable> {
    private static final long serialVersionUID = 1L;
    public static final RowStatsTableSerializer INSTANCE = new RowStatsTableSerializer();

    @Override public TypeSerializer<RowStatsTable> duplicate() { return this; }
    @Override public RowStatsTable createInstance() { return new RowStatsTable(0, 0); }
    @Override public RowStatsTable copy(RowStatsTable from) { return from.copy(); }
    @Override public void serialize(RowStatsTable t, DataOutputView out) throws IOException { t.write(out); }
    @Override public RowStatsTable deserialize(DataInputView in) throws IOException { return RowStatsTable.read(in); }

    @Override public TypeSerializerSnapshot<RowStatsTable> snapshotConfiguration() { return new Snapshot(); }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RowStatsTable> {
        public Snapshot() { super(() -> INSTANCE); }
    }
}
