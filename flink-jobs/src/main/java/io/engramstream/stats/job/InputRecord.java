package io.engramstream.stats.job;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * One record as a source read it, before decoding: a text document, raw tokenizer ids, or the
 * bytes of a Kafka message, with where it came from (for dead letters). Decoding, tokenizing and
 * validating happen in {@link DecodeFunction}, so every source shares one dead-letter path.
 */
public final class InputRecord {
    public static final byte TEXT = 0, TOKENS = 1, MESSAGE = 2, INVALID = 3;

    public byte kind;
    /** {@link TokenChunk#CORPUS} or {@link TokenChunk#INFERENCE} (messages: decided by topic). */
    public byte source;
    /** Input file or topic. */
    public String origin;
    /** Kafka partition; -1 for files and generators. */
    public int partition = -1;
    /** Kafka offset, line number or record index. */
    public long offset;
    /** Event time (epoch ms) or {@link Long#MIN_VALUE} when the input has none. */
    public long timestamp = Long.MIN_VALUE;
    /** Document id; null means a whole document identified by origin and offset. */
    public String docId;
    public int chunkIndex;
    public boolean lastChunk = true;
    public String text;
    public int[] tokens;
    public byte[] bytes;
    /** For {@link #INVALID}: why the source could not even read it (the raw line is in {@link #text}). */
    public String error;

    public static InputRecord text(String origin, long offset, String text) {
        InputRecord r = new InputRecord();
        r.kind = TEXT;
        r.origin = origin;
        r.offset = offset;
        r.text = text;
        return r;
    }

    public static InputRecord tokens(String origin, long offset, int[] rawIds) {
        InputRecord r = new InputRecord();
        r.kind = TOKENS;
        r.origin = origin;
        r.offset = offset;
        r.tokens = rawIds;
        return r;
    }

    public static InputRecord message(String topic, int partition, long offset, long timestamp, byte[] value) {
        InputRecord r = new InputRecord();
        r.kind = MESSAGE;
        r.origin = topic;
        r.partition = partition;
        r.offset = offset;
        r.timestamp = timestamp;
        r.bytes = value;
        return r;
    }

    /** A line the file reader could not parse; it becomes a dead letter. */
    public static InputRecord invalid(String origin, long offset, String rawLine, String error) {
        InputRecord r = text(origin, offset, rawLine);
        r.kind = INVALID;
        r.error = error;
        return r;
    }

    public InputRecord chunk(String documentId, int index, boolean last) {
        this.docId = documentId;
        this.chunkIndex = index;
        this.lastChunk = last;
        return this;
    }

    /** What spreads records over subtasks: the document id for chunks (keeps them in order), else the offset. */
    public long spreadKey() {
        return docId != null ? ((long) docId.hashCode() << 32) ^ (origin == null ? 0 : origin.hashCode()) : offset;
    }

    public InputRecord from(byte src) {
        this.source = src;
        return this;
    }

    public static final TypeInformation<InputRecord> TYPE = new SerializerTypeInfo<>(InputRecord.class, Serializer::new);

    public static final class Serializer extends RecordSerializer<InputRecord> {
        private static final long serialVersionUID = 1L;

        @Override public TypeSerializer<InputRecord> duplicate() { return this; }
        @Override public InputRecord createInstance() { return new InputRecord(); }

        @Override public InputRecord copy(InputRecord f) {
            InputRecord r = new InputRecord();
            r.kind = f.kind;
            r.source = f.source;
            r.origin = f.origin;
            r.partition = f.partition;
            r.offset = f.offset;
            r.timestamp = f.timestamp;
            r.docId = f.docId;
            r.chunkIndex = f.chunkIndex;
            r.lastChunk = f.lastChunk;
            r.text = f.text;
            r.tokens = f.tokens == null ? null : f.tokens.clone();
            r.bytes = f.bytes == null ? null : f.bytes.clone();
            r.error = f.error;
            return r;
        }

        @Override public void serialize(InputRecord r, DataOutputView out) throws IOException {
            out.writeByte(r.kind);
            out.writeByte(r.source);
            StringValue.writeString(r.origin, out);
            out.writeInt(r.partition);
            out.writeLong(r.offset);
            out.writeLong(r.timestamp);
            StringValue.writeString(r.docId, out);
            out.writeInt(r.chunkIndex);
            out.writeBoolean(r.lastChunk);
            StringValue.writeString(r.text, out);
            writeInts(r.tokens, r.tokens == null ? 0 : r.tokens.length, out);
            writeNullableBytes(r.bytes, out);
            StringValue.writeString(r.error, out);
        }

        @Override public InputRecord deserialize(DataInputView in) throws IOException {
            InputRecord r = new InputRecord();
            r.kind = in.readByte();
            r.source = in.readByte();
            r.origin = StringValue.readString(in);
            r.partition = in.readInt();
            r.offset = in.readLong();
            r.timestamp = in.readLong();
            r.docId = StringValue.readString(in);
            r.chunkIndex = in.readInt();
            r.lastChunk = in.readBoolean();
            r.text = StringValue.readString(in);
            r.tokens = readInts(in);
            r.bytes = readNullableBytes(in);
            r.error = StringValue.readString(in);
            return r;
        }

        @Override public TypeSerializerSnapshot<InputRecord> snapshotConfiguration() { return new Snapshot(); }

        public static final class Snapshot extends SimpleTypeSerializerSnapshot<InputRecord> {
            public Snapshot() { super(Serializer::new); }
        }
    }
}
