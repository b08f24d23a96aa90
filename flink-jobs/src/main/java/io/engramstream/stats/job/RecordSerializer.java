package io.engramstream.stats.job;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Common parts of the job's hand-written serializers: variable length, copy via fresh objects. */
abstract class RecordSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    @Override public boolean isImmutableType() { return false; }
    @Override public int getLength() { return -1; }
    @Override public T copy(T from, T reuse) { return copy(from); }
    @Override public T deserialize(T reuse, DataInputView source) throws IOException { return deserialize(source); }

    @Override public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override public boolean equals(Object obj) { return obj != null && obj.getClass() == getClass(); }
    @Override public int hashCode() { return getClass().hashCode(); }

    static void writeNullableBytes(byte[] b, DataOutputView out) throws IOException {
        if (b == null) { out.writeInt(-1); return; }
        out.writeInt(b.length);
        out.write(b);
    }

    static byte[] readNullableBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    static void writeInts(int[] a, int len, DataOutputView out) throws IOException {
        if (a == null) { out.writeInt(-1); return; }
        out.writeInt(len);
        for (int i = 0; i < len; i++) out.writeInt(a[i]);
    }

    static int[] readInts(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = in.readInt();
        return a;
    }
}
