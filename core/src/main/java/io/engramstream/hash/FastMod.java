package io.engramstream.hash;

import java.math.BigInteger;

/**
 * Exact floor-mod of any signed 64-bit value by a fixed divisor {@code d} in [2, 2^63), without
 * a hardware division: one high multiply, a shift and a low multiply.
 *
 * <p>Why it is exact. Let {@code s = ceil(log2 d)} and {@code m = ceil(2^(63+s) / d)}, which lies
 * in [2^63, 2^64) and so fits an unsigned long. For {@code 0 <= y < 2^63},
 * {@code floor(y*m / 2^(63+s)) == floor(y / d)}: the estimate exceeds {@code y/d} by less than
 * {@code y / 2^(63+s) < 2^-s <= 1/d}, too little to cross the next multiple of {@code 1/d}
 * (Granlund-Montgomery / Lemire round-up reciprocal; a 63-bit numerator needs only a 64-bit
 * multiplier). A negative {@code x} is folded onto {@code y = ~x = -x-1 >= 0}, using
 * {@code floor(x/d) == ~floor(~x/d)}; both are done branch-free with the sign mask
 * {@code x >> 63}. The remainder {@code x - q*d} is then exact in wrapping arithmetic because
 * its true value lies in [0, d).
 *
 * <p>{@code umulhi(y, m)} is {@code Math.multiplyHigh(y, m) + y} because {@code m}, read as a
 * signed long, is {@code m - 2^64} and {@code y >= 0} (Java 17 has no unsignedMultiplyHigh).
 */
public final class FastMod {
    private final long divisor;
    private final long magic;
    private final int shift;

    public FastMod(long divisor) {
        if (divisor < 2) throw new IllegalArgumentException("divisor must be in [2, 2^63), got " + divisor);
        this.divisor = divisor;
        this.shift = shiftFor(divisor);
        this.magic = magicFor(divisor);
    }

    /** {@code ceil(2^(63+s) / d)} as an unsigned long, s = ceil(log2 d). */
    public static long magicFor(long divisor) {
        int s = 64 - Long.numberOfLeadingZeros(divisor - 1);
        BigInteger[] qr = BigInteger.ONE.shiftLeft(63 + s).divideAndRemainder(BigInteger.valueOf(divisor));
        BigInteger m = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return m.longValue(); // < 2^64: the low 64 bits are the whole value
    }

    /** The right shift applied to {@code umulhi(y, m)}: {@code ceil(log2 d) - 1}. */
    public static int shiftFor(long divisor) {
        return 63 - Long.numberOfLeadingZeros(divisor - 1);
    }

    public long divisor() { return divisor; }
    public long magic() { return magic; }
    public int shift() { return shift; }

    /** {@code Math.floorMod(x, divisor())}, always in [0, divisor). */
    public long floorMod(long x) {
        return floorMod(x, divisor, magic, shift);
    }

    /** {@code Math.floorDiv(x, divisor())}. */
    public long floorDiv(long x) {
        long sign = x >> 63;
        long y = x ^ sign;
        return ((Math.multiplyHigh(y, magic) + y) >>> shift) ^ sign;
    }

    /** The static form the hot loops inline, with the per-divisor constants passed in. */
    public static long floorMod(long x, long divisor, long magic, int shift) {
        long sign = x >> 63;           // 0 or -1
        long y = x ^ sign;             // x, or ~x for negative x: in [0, 2^63)
        long q = ((Math.multiplyHigh(y, magic) + y) >>> shift) ^ sign;
        return x - q * divisor;
    }
}
