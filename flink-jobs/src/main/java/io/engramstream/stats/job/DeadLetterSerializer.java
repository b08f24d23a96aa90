package io.engramstream.stats.job;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.schemas.RecordDecodeException;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Ships Avro {@link DeadLetter}s between operators in their bus encoding (no Kryo, no flink-avro). */
public final class DeadLetterSerializer extends RecordSerializer<DeadLetter> {
    private static final long serialVersionUID = 1L;
    public static final DeadLetterSerializer INSTANCE = new DeadLetterSerializer();
    public static final TypeInformation<DeadLetter> TYPE = new SerializerTypeInfo<>(DeadLetter.class, () -> INSTANCE);

    @Override public TypeSerializer<DeadLetter> duplicate() { return this; }
    @Override public DeadLetter createInstance() { return new DeadLetter(); }
    @Override public DeadLetter copy(DeadLetter from) { return DeadLetter.newBuilder(from).build(); }

    @Override public void serialize(DeadLetter d, DataOutputView out) throws IOException {
        byte[] b = Codecs.DEAD_LETTER.encode(d);
        out.writeInt(b.length);
        out.write(b);
    }

    @Override public DeadLetter deserialize(DataInputView in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        try {
            return Codecs.DEAD_LETTER.decode(b);
        } catch (RecordDecodeException e) {
            throw new IOException("cannot decode a dead letter: " + e.getMessage(), e);
        }
    }

    @Override public TypeSerializerSnapshot<DeadLetter> snapshotConfiguration() { return new Snapshot(); }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeadLetter> {
        public Snapshot() { super(() -> INSTANCE); }
    }
}
