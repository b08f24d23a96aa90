package io.engramstream.stats.job;

import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Pre-aggregated lookup counts for the rows of one virtual shard, from one source, as parallel
 * primitive arrays: the unit shipped from the counting subtasks to the statistics subtasks. One
 * record carries thousands of rows, so Flink's per-record cost vanishes. The counters
 * ({@link #tokens}, {@link #records}, {@link #deadLetters}) ride along on one batch per flush so
 * that the job's totals are checkpointed with the statistics they describe.
 *
 * <p>On the wire, rows are zig-zag varint deltas (rows come out of the dense aggregator in
 * ascending order, so most deltas take one or two bytes) and counts are varints.
 */
public final class DeltaBatch {
    /**
     * {@link #source} of a copy of a counters record sent to the other statistics subtasks
     * ({@link CounterFanOut}): adds to the job-wide token count only.
     */
    public static final byte COUNTERS_COPY = 2;

    /** The Flink key that lands in key group {@link #shard} (see {@link ShardKeys}). */
    public int shardKey;
    public int shard;
    public byte source;
    /** Decay clock of these lookups (tokens or event-time ms). */
    public long clock;
    public long tokens;
    public long records;
    public long deadLetters;
    public int size;
    public long[] rows;
    public long[] counts;

    public DeltaBatch() {}

    public DeltaBatch(int capacity) {
        rows = new long[capacity];
        counts = new long[capacity];
    }

    public int shardKey() { return shardKey; }

    public static final TypeInformation<DeltaBatch> TYPE = new SerializerTypeInfo<>(DeltaBatch.class, Serializer::new);

    public static final class Serializer extends RecordSerializer<DeltaBatch> {
        private static final long serialVersionUID = 1L;
        private transient byte[] buf;
        private transient int[] cursor;

        @Override public TypeSerializer<DeltaBatch> duplicate() { return new Serializer(); }
        @Override public DeltaBatch createInstance() { return new DeltaBatch(); }

        @Override public DeltaBatch copy(DeltaBatch f) {
            DeltaBatch b = new DeltaBatch();
            b.shardKey = f.shardKey;
            b.shard = f.shard;
            b.source = f.source;
            b.clock = f.clock;
            b.tokens = f.tokens;
            b.records = f.records;
            b.deadLetters = f.deadLetters;
            b.size = f.size;
            b.rows = f.rows == null ? new long[0] : Arrays.copyOf(f.rows, f.size);
            b.counts = f.counts == null ? new long[0] : Arrays.copyOf(f.counts, f.size);
            return b;
        }

        private byte[] buffer(int size) {
            int need = size * 2 * Varints.MAX_BYTES;
            if (buf == null || buf.length < need) buf = new byte[Math.max(need, 1024)];
            if (cursor == null) cursor = new int[1];
            return buf;
        }

        @Override public void serialize(DeltaBatch b, DataOutputView out) throws IOException {
            out.writeInt(b.shardKey);
            out.writeInt(b.shard);
            out.writeByte(b.source);
            out.writeLong(b.clock);
            out.writeLong(b.tokens);
            out.writeLong(b.records);
            out.writeLong(b.deadLetters);
            out.writeInt(b.size);
            byte[] bytes = buffer(b.size);
            int pos = 0;
            long prev = 0;
            long[] rows = b.rows, counts = b.counts;
            for (int i = 0; i < b.size; i++) {
                pos = Varints.write(Varints.zigzag(rows[i] - prev), bytes, pos);
                prev = rows[i];
                pos = Varints.write(counts[i], bytes, pos);
            }
            out.writeInt(pos);
            out.write(bytes, 0, pos);
        }

        @Override public DeltaBatch deserialize(DataInputView in) throws IOException {
            return deserialize(new DeltaBatch(), in);
        }

        /** Reuses the record's arrays when they are large enough (object reuse is on in the job). */
        @Override public DeltaBatch deserialize(DeltaBatch b, DataInputView in) throws IOException {
            b.shardKey = in.readInt();
            b.shard = in.readInt();
            b.source = in.readByte();
            b.clock = in.readLong();
            b.tokens = in.readLong();
            b.records = in.readLong();
            b.deadLetters = in.readLong();
            int n = in.readInt();
            int len = in.readInt();
            if (n < 0 || len < 0) throw new IOException("corrupt delta batch: " + n + " rows, " + len + " bytes");
            byte[] bytes = buffer(n);
            if (bytes.length < len) bytes = buf = new byte[len];
            in.readFully(bytes, 0, len);
            b.size = n;
            if (b.rows == null || b.rows.length < n) {
                b.rows = new long[n];
                b.counts = new long[n];
            }
            int[] cur = cursor;
            cur[0] = 0;
            long prev = 0;
            try {
                for (int i = 0; i < n; i++) {
                    prev += Varints.unzigzag(Varints.read(bytes, cur, len));
                    b.rows[i] = prev;
                    b.counts[i] = Varints.read(bytes, cur, len);
                }
            } catch (IllegalStateException e) {
                throw new IOException("corrupt delta batch", e);
            }
            return b;
        }

        @Override public TypeSerializerSnapshot<DeltaBatch> snapshotConfiguration() { return new Snapshot(); }

        public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeltaBatch> {
            public Snapshot() { super(Serializer::new); }
        }
    }
}
