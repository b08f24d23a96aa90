package io.engramstream.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding over one in-memory message, with every length checked before anything
 * is allocated: a string, bytes field or collection block may not claim more than the bytes
 * left in the message, nor more than the {@link CodecLimits}. So a 20-byte message that claims a
 * 2 GiB string fails fast instead of allocating 2 GiB, independent of Avro's JVM-wide limits.
 *
 * <p>Reused per thread by {@link RecordCodec}; not thread-safe. Collections whose items encode
 * to zero bytes (arrays of null) would be rejected by the remaining-bytes check; no schema on
 * the bus has one.
 */
final class BoundedBinaryDecoder extends Decoder {

    /** A bound or format violation, mapped to a {@link RecordDecodeException} by the codec. */
    static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;
        final ErrorKind kind;

        Failure(ErrorKind kind, String message) {
            super(message, null);
            this.kind = kind;
        }

        @Override public synchronized Throwable fillInStackTrace() { return this; } // data error, no trace
    }

    private byte[] buf;
    private int pos;
    private int limit;
    private CodecLimits limits;
    private long collectionItems;

    void reset(byte[] buf, int off, int len, CodecLimits limits) {
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
        this.limits = limits;
        this.collectionItems = 0;
    }

    int remaining() { return limit - pos; }

    /** Drops the reference to the caller's bytes once a decode is over. */
    void release() { buf = null; }

    private void ensure(long n, String what) throws Failure {
        if (n > limit - pos) {
            throw new Failure(ErrorKind.TRUNCATED, what + " needs " + n + " bytes but only " + (limit - pos) + " remain");
        }
    }

    @Override public void readNull() {}

    @Override public boolean readBoolean() throws IOException {
        ensure(1, "boolean");
        int b = buf[pos++];
        if (b == 0) return false;
        if (b == 1) return true;
        throw new Failure(ErrorKind.UNDECODABLE, "boolean byte is " + b + ", not 0 or 1");
    }

    @Override public int readInt() throws IOException {
        int raw = 0;
        int shift = 0;
        for (int i = 0; i < 5; i++) {
            ensure(1, "int");
            int b = buf[pos++] & 0xff;
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (i == 4 && b > 0x0f) throw new Failure(ErrorKind.UNDECODABLE, "int varint overflows 32 bits");
                return (raw >>> 1) ^ -(raw & 1);
            }
            shift += 7;
        }
        throw new Failure(ErrorKind.UNDECODABLE, "int varint longer than 5 bytes");
    }

    @Override public long readLong() throws IOException {
        long raw = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            ensure(1, "long");
            long b = buf[pos++] & 0xff;
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (i == 9 && b > 0x01) throw new Failure(ErrorKind.UNDECODABLE, "long varint overflows 64 bits");
                return (raw >>> 1) ^ -(raw & 1);
            }
            shift += 7;
        }
        throw new Failure(ErrorKind.UNDECODABLE, "long varint longer than 10 bytes");
    }

    @Override public float readFloat() throws IOException {
        ensure(4, "float");
        int bits = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override public double readDouble() throws IOException {
        ensure(8, "double");
        long bits = 0;
        for (int i = 7; i >= 0; i--) bits = (bits << 8) | (buf[pos + i] & 0xff);
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    private int length(String what, int max) throws IOException {
        long n = readLong();
        if (n < 0) throw new Failure(ErrorKind.UNDECODABLE, what + " has negative length " + n);
        if (n > max) throw new Failure(ErrorKind.OVERSIZE, what + " claims " + n + " bytes, limit " + max);
        ensure(n, what);
        return (int) n;
    }

    @Override public Utf8 readString(Utf8 old) throws IOException {
        int n = length("string", limits.maxStringBytes());
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(n);
        System.arraycopy(buf, pos, result.getBytes(), 0, n);
        pos += n;
        return result;
    }

    @Override public String readString() throws IOException {
        int n = length("string", limits.maxStringBytes());
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    @Override public void skipString() throws IOException {
        int n = length("string", limits.maxStringBytes()); // not "pos += length(..)": that adds to the old pos
        pos += n;
    }

    @Override public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int n = length("bytes", limits.maxBytesLength());
        ByteBuffer out;
        if (old != null && !old.isReadOnly() && old.capacity() >= n) {
            out = old;
            out.clear();
        } else {
            out = ByteBuffer.allocate(n);
        }
        out.put(buf, pos, n).flip();
        pos += n;
        return out;
    }

    @Override public void skipBytes() throws IOException {
        int n = length("bytes", limits.maxBytesLength());
        pos += n;
    }

    @Override public void readFixed(byte[] bytes, int start, int length) throws IOException {
        ensure(length, "fixed");
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override public void skipFixed(int length) throws IOException {
        ensure(length, "fixed");
        pos += length;
    }

    @Override public int readEnum() throws IOException {
        int i = readInt();
        if (i < 0) throw new Failure(ErrorKind.UNDECODABLE, "negative enum index " + i);
        return i;
    }

    @Override public int readIndex() throws IOException {
        int i = readInt();
        if (i < 0) throw new Failure(ErrorKind.UNDECODABLE, "negative union index " + i);
        return i;
    }

    /** A block count; negative counts carry a byte size, which must fit in what is left. */
    private long blockCount(String what) throws IOException {
        long n = readLong();
        if (n < 0) {
            if (n == Long.MIN_VALUE) throw new Failure(ErrorKind.UNDECODABLE, what + " block count overflows");
            n = -n;
            long size = readLong();
            if (size < 0) throw new Failure(ErrorKind.UNDECODABLE, what + " block has negative byte size");
            ensure(size, what + " block");
        }
        // Every item takes at least one byte, so a count beyond the bytes left is a lie.
        ensure(n, what + " of " + n + " items");
        collectionItems += n;
        if (collectionItems > limits.maxCollectionItems()) {
            throw new Failure(ErrorKind.OVERSIZE, "collections hold " + collectionItems + " items, limit " + limits.maxCollectionItems());
        }
        return n;
    }

    @Override public long readArrayStart() throws IOException { return blockCount("array"); }

    @Override public long arrayNext() throws IOException { return blockCount("array"); }

    @Override public long readMapStart() throws IOException { return blockCount("map"); }

    @Override public long mapNext() throws IOException { return blockCount("map"); }

    /** Skips byte-sized blocks directly; returns the item count of the next counted block (0 at the end). */
    private long skipBlocks(String what) throws IOException {
        while (true) {
            long n = readLong();
            if (n >= 0) {
                ensure(n, what + " of " + n + " items");
                return n;
            }
            long size = readLong();
            if (size < 0) throw new Failure(ErrorKind.UNDECODABLE, what + " block has negative byte size");
            ensure(size, what + " block");
            pos += (int) size;
        }
    }

    @Override public long skipArray() throws IOException { return skipBlocks("array"); }

    @Override public long skipMap() throws IOException { return skipBlocks("map"); }
}
