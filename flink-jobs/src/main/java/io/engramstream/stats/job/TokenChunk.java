package io.engramstream.stats.job;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Canonical token ids of one document or one chunk of it, validated and ready to hash; or, with
 * {@link #deadLetters} set and no tokens, a marker that carries the count of rejected records
 * through the job's checkpointed counters.
 */
public final class TokenChunk {
    public static final byte CORPUS = 0, INFERENCE = 1;

    /** 64-bit hash of the document's identity: the key for the N-gram history of chunked documents. */
    public long docKey;
    public int chunkIndex;
    public boolean last = true;
    public byte source;
    /** Event time (epoch ms) or {@link Long#MIN_VALUE}. */
    public long timestamp = Long.MIN_VALUE;
    public int length;
    public int[] tokens;
    public int deadLetters;

    public static TokenChunk whole(long docKey, byte source, long timestamp, int[] canonical, int length) {
        TokenChunk c = new TokenChunk();
        c.docKey = docKey;
        c.source = source;
        c.timestamp = timestamp;
        c.tokens = canonical;
        c.length = length;
        return c;
    }

    public static TokenChunk deadLetterMarker(long docKey) {
        TokenChunk c = new TokenChunk();
        c.docKey = docKey;
        c.deadLetters = 1;
        c.tokens = new int[0];
        return c;
    }

    public long docKey() { return docKey; }

    public static final TypeInformation<TokenChunk> TYPE = new SerializerTypeInfo<>(TokenChunk.class, Serializer::new);

    public static final class Serializer extends RecordSerializer<TokenChunk> {
        private static final long serialVersionUID = 1L;
        /** Token ids cross the network in bulk through this buffer (one per serializer instance). */
        private transient byte[] scratch;

        @Override public TypeSerializer<TokenChunk> duplicate() { return new Serializer(); }
        @Override public TokenChunk createInstance() { return new TokenChunk(); }

        @Override public TokenChunk copy(TokenChunk f) {
            TokenChunk c = new TokenChunk();
            c.docKey = f.docKey;
            c.chunkIndex = f.chunkIndex;
            c.last = f.last;
            c.source = f.source;
            c.timestamp = f.timestamp;
            c.length = f.length;
            c.tokens = java.util.Arrays.copyOf(f.tokens, f.length);
            c.deadLetters = f.deadLetters;
            return c;
        }

        @Override public void serialize(TokenChunk c, DataOutputView out) throws IOException {
            out.writeLong(c.docKey);
            out.writeInt(c.chunkIndex);
            out.writeBoolean(c.last);
            out.writeByte(c.source);
            out.writeLong(c.timestamp);
            out.writeInt(c.deadLetters);
            out.writeInt(c.length);
            byte[] b = scratch(4 * c.length);
            java.nio.ByteBuffer.wrap(b).asIntBuffer().put(c.tokens, 0, c.length);
            out.write(b, 0, 4 * c.length);
        }

        private byte[] scratch(int n) {
            if (scratch == null || scratch.length < n) scratch = new byte[Math.max(n, 4096)];
            return scratch;
        }

        @Override public TokenChunk deserialize(DataInputView in) throws IOException {
            TokenChunk c = new TokenChunk();
            c.docKey = in.readLong();
            c.chunkIndex = in.readInt();
            c.last = in.readBoolean();
            c.source = in.readByte();
            c.timestamp = in.readLong();
            c.deadLetters = in.readInt();
            int n = in.readInt();
            if (n < 0) throw new java.io.IOException("corrupt token chunk: " + n + " tokens");
            byte[] b = scratch(4 * n);
            in.readFully(b, 0, 4 * n);
            c.tokens = new int[n];
            java.nio.ByteBuffer.wrap(b, 0, 4 * n).asIntBuffer().get(c.tokens);
            c.length = n;
            return c;
        }

        @Override public TypeSerializerSnapshot<TokenChunk> snapshotConfiguration() { return new Snapshot(); }

        public static final class Snapshot extends SimpleTypeSerializerSnapshot<TokenChunk> {
            public Snapshot() { super(Serializer::new); }
        }
    }
}
