package io.engramstream.rng;

import java.math.BigInteger;

/**
 * The parts of {@code numpy.random.Generator} the Engram reference uses:
 * {@code default_rng(seed).integers(0, high, size, dtype=int64)}, bit for bit (numpy's
 * {@code random_bounded_uint64_fill} with {@code use_masked=false}). Which bounded path numpy
 * takes depends on {@code rng = high - 1}; {@link #lastPath()} reports it so tests can check it.
 */
public final class NumpyGenerator {

    /** The bounded-integer path numpy takes for a range. Labels match the golden vectors' prefixes. */
    public enum BoundedPath {
        /** rng == 0: every draw is 0, the generator is not advanced. */
        CONSTANT_ZERO("constant_zero(no draw)"),
        /** rng < 0xFFFFFFFF: Lemire's method on buffered 32-bit halves. */
        LEMIRE32("lemire32(next_uint32: low half of a uint64 first, then high half)"),
        /** rng == 0xFFFFFFFF: buffered 32-bit halves, no rejection. */
        FULL32("uint32(buffered halves, no rejection)"),
        /** rng > 0xFFFFFFFF: Lemire's method with a 128-bit product. */
        LEMIRE64("lemire64(128-bit product)"),
        /** rng == 2^64-1: raw 64-bit outputs. */
        FULL64("uint64(no rejection)");

        private final String label;
        BoundedPath(String label) { this.label = label; }
        public String label() { return label; }
        /** The label without its parenthesised note, e.g. {@code lemire64}. */
        public String shortName() { return label.substring(0, label.indexOf('(')); }
    }

    private final Pcg64 bitGenerator;
    private BoundedPath lastPath;

    public NumpyGenerator(Pcg64 bitGenerator) {
        this.bitGenerator = bitGenerator;
    }

    /** {@code numpy.random.default_rng(seed)}: SeedSequence(seed) -> PCG64. */
    public static NumpyGenerator defaultRng(BigInteger seed) {
        return new NumpyGenerator(new Pcg64(new SeedSequence(seed)));
    }

    public static NumpyGenerator defaultRng(long seed) {
        return defaultRng(BigInteger.valueOf(seed));
    }

    public Pcg64 bitGenerator() { return bitGenerator; }

    public BoundedPath lastPath() { return lastPath; }

    /** The path numpy takes for {@code integers(0, high)}. */
    public static BoundedPath pathFor(long high) {
        long rng = high - 1;
        if (rng == 0) return BoundedPath.CONSTANT_ZERO;
        if (Long.compareUnsigned(rng, 0xFFFFFFFFL) < 0) return BoundedPath.LEMIRE32;
        if (rng == 0xFFFFFFFFL) return BoundedPath.FULL32;
        if (rng == -1L) return BoundedPath.FULL64;
        return BoundedPath.LEMIRE64;
    }

    /** {@code integers(0, high, size=size, dtype=int64)} for {@code 1 <= high <= 2^63-1}. */
    public long[] integers(long high, int size) {
        if (high < 1) throw new IllegalArgumentException("high must be >= 1, got " + high);
        long rng = high - 1;
        long[] out = new long[size];
        lastPath = pathFor(high);
        switch (lastPath) {
            case CONSTANT_ZERO -> { /* numpy fills with the offset (0) and draws nothing */ }
            case LEMIRE32 -> { for (int i = 0; i < size; i++) out[i] = boundedLemire32(rng); }
            case FULL32 -> { for (int i = 0; i < size; i++) out[i] = bitGenerator.nextUint32() & 0xFFFFFFFFL; }
            case LEMIRE64 -> { for (int i = 0; i < size; i++) out[i] = boundedLemire64(rng); }
            case FULL64 -> { for (int i = 0; i < size; i++) out[i] = bitGenerator.nextUint64(); }
        }
        return out;
    }

    /** numpy's {@code buffered_bounded_lemire_uint32}; {@code rng < 0xFFFFFFFF}. */
    private long boundedLemire32(long rng) {
        long rngExcl = rng + 1;
        long m = (bitGenerator.nextUint32() & 0xFFFFFFFFL) * rngExcl; // < 2^64, read as unsigned
        long leftover = m & 0xFFFFFFFFL;
        if (leftover < rngExcl) {
            long threshold = (0xFFFFFFFFL - rng) % rngExcl;
            while (leftover < threshold) {
                m = (bitGenerator.nextUint32() & 0xFFFFFFFFL) * rngExcl;
                leftover = m & 0xFFFFFFFFL;
            }
        }
        return m >>> 32;
    }

    /** numpy's {@code bounded_lemire_uint64}; {@code rng} read as unsigned, not all ones. */
    private long boundedLemire64(long rng) {
        long rngExcl = rng + 1;
        long x = bitGenerator.nextUint64();
        long lo = x * rngExcl;
        long hi = Pcg64.unsignedMultiplyHigh(x, rngExcl);
        if (Long.compareUnsigned(lo, rngExcl) < 0) {
            long threshold = Long.remainderUnsigned(-1L - rng, rngExcl);
            while (Long.compareUnsigned(lo, threshold) < 0) {
                x = bitGenerator.nextUint64();
                lo = x * rngExcl;
                hi = Pcg64.unsignedMultiplyHigh(x, rngExcl);
            }
        }
        return hi;
    }
}
