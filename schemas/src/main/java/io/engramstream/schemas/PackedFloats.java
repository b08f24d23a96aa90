package io.engramstream.schemas;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float32 values packed little-endian in an Avro {@code bytes} field, 4 bytes each (e.g.
 * {@code InferenceResponse.topProbabilities}); the float counterpart of {@link TokenIds}.
 * Values are the bytes from the buffer's position to its limit.
 */
public final class PackedFloats {
    private static final VarHandle FLOAT_LE = MethodHandles.byteBufferViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private PackedFloats() {}

    public static int count(ByteBuffer packed) {
        return packed.remaining() >>> 2;
    }

    public static float get(ByteBuffer packed, int i) {
        return (float) FLOAT_LE.get(packed, packed.position() + (i << 2));
    }

    /** All values in a new array. */
    public static float[] toArray(ByteBuffer packed) {
        float[] out = new float[count(packed)];
        int base = packed.position();
        for (int i = 0; i < out.length; i++) out[i] = (float) FLOAT_LE.get(packed, base + (i << 2));
        return out;
    }

    /** Packs {@code values[off, off+len)} into a new buffer (position 0, limit 4*len). */
    public static ByteBuffer pack(float[] values, int off, int len) {
        if (off < 0 || len < 0 || len > values.length - off) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + "+" + len + ") of float[" + values.length + "]");
        }
        ByteBuffer out = ByteBuffer.allocate(len << 2);
        for (int i = 0; i < len; i++) FLOAT_LE.set(out, i << 2, values[off + i]);
        return out;
    }

    public static ByteBuffer pack(float... values) {
        return pack(values, 0, values.length);
    }

    /** @throws RecordDecodeException INVALID_FIELD when the length is not a multiple of 4 */
    public static void validate(ByteBuffer packed, String field, int maxValues) throws RecordDecodeException {
        int bytes = packed.remaining();
        if ((bytes & 3) != 0) {
            throw new RecordDecodeException(ErrorKind.INVALID_FIELD, field + " holds " + bytes + " bytes, not a whole number of float32s");
        }
        if ((bytes >>> 2) > maxValues) {
            throw new RecordDecodeException(ErrorKind.OVERSIZE, field + " holds " + (bytes >>> 2) + " values, limit " + maxValues);
        }
    }
}
