package io.engramstream.schemas;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Token ids on the bus are an Avro {@code bytes} field of little-endian int32s, 4 bytes per
 * token, so that decoding is one copy into a reusable buffer and reading is a primitive loop:
 * no {@code Integer} per token as an Avro {@code array<int>} would give.
 *
 * <p>A packed buffer's tokens are the bytes from its position to its limit. All methods here
 * are allocation-free except those that return a new array or buffer; the hot-path forms are
 * {@link #unpack(ByteBuffer, int[], int)} and {@link #pack(int[], int, int, ByteBuffer)} with
 * a reused target.
 */
public final class TokenIds {
    // Reads int32 LE at any byte index of any ByteBuffer (heap or direct) without copying.
    private static final VarHandle INT_LE = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private TokenIds() {}

    /** A read-only empty token list. */
    public static ByteBuffer empty() {
        return EMPTY.duplicate();
    }

    /** Number of tokens packed in {@code packed} (its remaining bytes / 4). */
    public static int count(ByteBuffer packed) {
        return packed.remaining() >>> 2;
    }

    /** The {@code i}-th token id. */
    public static int get(ByteBuffer packed, int i) {
        return (int) INT_LE.get(packed, packed.position() + (i << 2));
    }

    /**
     * Copies all tokens into {@code dst} from {@code dstOff} and returns how many; the caller
     * sizes {@code dst} with {@link #count}. Allocation-free.
     */
    public static int unpack(ByteBuffer packed, int[] dst, int dstOff) {
        int n = count(packed);
        if (dstOff < 0 || n > dst.length - dstOff) {
            throw new IndexOutOfBoundsException(n + " tokens do not fit in int[" + dst.length + "] at " + dstOff);
        }
        int base = packed.position();
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = (int) INT_LE.get(packed, base + (i << 2));
        }
        return n;
    }

    /** All tokens in a new array. */
    public static int[] toArray(ByteBuffer packed) {
        int[] out = new int[count(packed)];
        unpack(packed, out, 0);
        return out;
    }

    /** {@code reuse} if it has room for all tokens (extra slots untouched), else a new array of exactly {@link #count} ints. */
    public static int[] unpackInto(ByteBuffer packed, int[] reuse) {
        int n = count(packed);
        int[] out = reuse != null && reuse.length >= n ? reuse : new int[n];
        unpack(packed, out, 0);
        return out;
    }

    /** Packs all ids into a new buffer. */
    public static ByteBuffer pack(int[] ids) {
        return pack(ids, 0, ids.length, null);
    }

    /** Packs {@code ids[off, off+len)} into a new buffer. */
    public static ByteBuffer pack(int[] ids, int off, int len) {
        return pack(ids, off, len, null);
    }

    /**
     * Packs {@code ids[off, off+len)} into {@code reuse} when it is writable and large enough
     * (allocation-free), else into a new heap buffer. The result has position 0 and limit 4*len.
     */
    public static ByteBuffer pack(int[] ids, int off, int len, ByteBuffer reuse) {
        if (off < 0 || len < 0 || len > ids.length - off) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + "+" + len + ") of int[" + ids.length + "]");
        }
        int bytes = len << 2;
        ByteBuffer out = reuse != null && !reuse.isReadOnly() && reuse.capacity() >= bytes ? reuse : ByteBuffer.allocate(bytes);
        out.clear();
        for (int i = 0; i < len; i++) {
            INT_LE.set(out, i << 2, ids[off + i]);
        }
        out.limit(bytes);
        return out;
    }

    /**
     * Checks that a decoded field holds whole tokens and not more than {@code maxTokens}.
     *
     * @throws RecordDecodeException INVALID_FIELD for a length that is not a multiple of 4,
     *                               OVERSIZE for too many tokens
     */
    public static void validate(ByteBuffer packed, String field, int maxTokens) throws RecordDecodeException {
        int bytes = packed.remaining();
        if ((bytes & 3) != 0) {
            throw new RecordDecodeException(ErrorKind.INVALID_FIELD,
                    field + " holds " + bytes + " bytes, not a whole number of 4-byte token ids");
        }
        if ((bytes >>> 2) > maxTokens) {
            throw new RecordDecodeException(ErrorKind.OVERSIZE,
                    field + " holds " + (bytes >>> 2) + " token ids, limit " + maxTokens);
        }
    }

    /**
     * Checks every id against a vocabulary: 0 <= id < vocabSize.
     *
     * @throws RecordDecodeException TOKEN_OUT_OF_VOCABULARY naming the first bad id and its position
     */
    public static void checkVocabulary(ByteBuffer packed, String field, int vocabSize) throws RecordDecodeException {
        int n = count(packed);
        int base = packed.position();
        for (int i = 0; i < n; i++) {
            int id = (int) INT_LE.get(packed, base + (i << 2));
            if (id < 0 || id >= vocabSize) {
                throw new RecordDecodeException(ErrorKind.TOKEN_OUT_OF_VOCABULARY,
                        field + "[" + i + "] = " + id + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        }
    }
}
