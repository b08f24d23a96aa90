package io.engramstream.stats.job;

/** Unsigned LEB128 varints and zig-zag encoding into a caller's byte array (no allocation). */
final class Varints {
    private Varints() {}

    /** Worst case bytes for one long. */
    static final int MAX_BYTES = 10;

    static int write(long v, byte[] buf, int pos) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    static long zigzag(long v) { return (v << 1) ^ (v >> 63); }

    static long unzigzag(long v) { return (v >>> 1) ^ -(v & 1); }

    /** Reads one varint at {@code cursor[0]}, advancing it. */
    static long read(byte[] buf, int[] cursor, int limit) {
        int pos = cursor[0];
        long v = 0;
        int shift = 0;
        while (true) {
            if (pos >= limit || shift > 63) throw new IllegalStateException("corrupt varint");
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) break;
            shift += 7;
        }
        cursor[0] = pos;
        return v;
    }
}
