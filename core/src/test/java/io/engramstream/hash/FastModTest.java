package io.engramstream.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link FastMod} equals {@link Math#floorMod(long, long)} for any signed int64 and divisor. */
class FastModTest {

    /** Divisors: small primes, the demo's, the largest int prime, primes and composites up to 2^62. */
    static List<Long> divisors() {
        List<Long> d = new ArrayList<>(List.of(2L, 3L, 5L, 7L, 11L, 13L, 97L, 1009L, 1013L, 65537L, 646403L, 646879L,
                999983L, 12345701L, 1_000_000_007L, 2147483629L, 2147483647L, 2147483659L, 4294967291L, 4294967311L,
                1_000_000_000_039L, 4611686018427387847L, 9223372036854775783L /* largest prime < 2^63 */,
                4L, 6L, 1L << 20, (1L << 31) - 2, 1L << 31, (1L << 62) + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1));
        SplittableRandom r = new SplittableRandom(7);
        while (d.size() < 300) {
            long p = 2 + r.nextLong(Integer.MAX_VALUE - 2L);
            while (!PrimeSearch.isPrime(p)) p++;
            d.add(p);
        }
        for (int bits = 32; bits < 63; bits++) d.add((1L << bits) + r.nextLong(1L << bits));
        return d;
    }

    /** Signed int64 edge values plus values next to multiples of the divisor. */
    static long[] edges(long p) {
        long big = Long.MAX_VALUE / p * p;
        return new long[] {0, 1, -1, 2, -2, p, -p, p - 1, -p + 1, p + 1, -p - 1, 2 * p - 1, -2 * p + 1,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, big, big - 1, -big, -big + 1, -big - 1,
                Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 62, -(1L << 62), (1L << 63) - p};
    }

    @Test
    void floorModEqualsMathFloorModForRandomAndEdgeValues() {
        SplittableRandom r = new SplittableRandom(12345);
        long checked = 0;
        for (long p : divisors()) {
            FastMod f = new FastMod(p);
            for (long x : edges(p)) {
                assertEquals(Math.floorMod(x, p), f.floorMod(x), () -> "x=" + x + " p=" + p);
                assertEquals(Math.floorDiv(x, p), f.floorDiv(x), () -> "div x=" + x + " p=" + p);
                checked++;
            }
            for (int i = 0; i < 20_000; i++) {
                long x = switch (i & 3) {
                    case 0 -> r.nextLong();                       // full signed range
                    case 1 -> r.nextLong() >> r.nextInt(64);      // all magnitudes
                    case 2 -> p * (r.nextLong() / Math.max(p, 1)) + r.nextInt(3) - 1; // next to multiples
                    default -> -(r.nextLong() >>> 1);             // negatives only
                };
                long want = Math.floorMod(x, p);
                long got = FastMod.floorMod(x, p, f.magic(), f.shift());
                if (want != got) assertEquals(want, got, "x=" + x + " p=" + p);
                checked++;
            }
        }
        assertEquals(true, checked > 6_000_000, "checked " + checked);
    }

    @Test
    void everyResidueOfASmallPrimeAroundZero() {
        for (long p : new long[] {2, 3, 5, 7, 31, 1009}) {
            FastMod f = new FastMod(p);
            for (long x = -10 * p; x <= 10 * p; x++) assertEquals(Math.floorMod(x, p), f.floorMod(x));
        }
    }

    @Test
    void refusesDivisorsBelowTwo() {
        assertThrows(IllegalArgumentException.class, () -> new FastMod(1));
        assertThrows(IllegalArgumentException.class, () -> new FastMod(0));
        assertThrows(IllegalArgumentException.class, () -> new FastMod(-7));
    }
}
