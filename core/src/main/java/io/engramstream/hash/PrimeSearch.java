package io.engramstream.hash;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;

/**
 * Primality and the reference's prime allocation for hash heads: deterministic for every
 * 64-bit value (Miller-Rabin with the first twelve prime bases, proven sufficient below
 * 3.3 * 10^24), so it agrees with sympy's {@code isprime} that the reference uses.
 */
public final class PrimeSearch {
    private static final int[] SMALL_PRIMES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};

    private PrimeSearch() {}

    public static boolean isPrime(long n) {
        if (n < 2) return false;
        for (int p : SMALL_PRIMES) {
            if (n == p) return true;
            if (n % p == 0) return false;
        }
        if (n < 41 * 41) return true;
        long d = n - 1;
        int r = Long.numberOfTrailingZeros(d);
        d >>= r;
        if (n < (1L << 32)) {
            // a*b < 2^64 fits unsigned long arithmetic; bases 2, 7, 61 are exact below 4,759,123,141.
            for (long a : new long[] {2, 7, 61}) {
                if (!millerRabinSmall(n, a, d, r)) return false;
            }
            return true;
        }
        BigInteger bn = BigInteger.valueOf(n);
        BigInteger nm1 = bn.subtract(BigInteger.ONE);
        BigInteger bd = BigInteger.valueOf(d);
        for (int a : SMALL_PRIMES) {
            BigInteger x = BigInteger.valueOf(a).modPow(bd, bn);
            if (x.equals(BigInteger.ONE) || x.equals(nm1)) continue;
            boolean composite = true;
            for (int i = 1; i < r; i++) {
                x = x.multiply(x).mod(bn);
                if (x.equals(nm1)) { composite = false; break; }
            }
            if (composite) return false;
        }
        return true;
    }

    private static boolean millerRabinSmall(long n, long a, long d, int r) {
        long x = powMod(a % n, d, n);
        if (x == 1 || x == n - 1) return true;
        for (int i = 1; i < r; i++) {
            x = Long.remainderUnsigned(x * x, n);
            if (x == n - 1) return true;
        }
        return false;
    }

    private static long powMod(long base, long exp, long n) {
        long result = 1;
        long b = base;
        while (exp > 0) {
            if ((exp & 1) != 0) result = Long.remainderUnsigned(result * b, n);
            b = Long.remainderUnsigned(b * b, n);
            exp >>= 1;
        }
        return result;
    }

    /** The smallest prime strictly greater than {@code start} that is not in {@code used}. */
    public static long nextPrimeAfter(long start, Set<Long> used) {
        long c = Math.max(start, 1) + 1;
        while (true) {
            if (c < 0) throw new ArithmeticException("no prime below 2^63 after " + start);
            if (isPrime(c) && !used.contains(c)) return c;
            c++;
        }
    }

    /**
     * The reference's allocation ({@code NgramHashMapping.calculate_vocab_size_across_layers}):
     * one set of used primes shared by all layers (in the given order) and orders; for order n
     * the first head searches after {@code tableSizes[n-2] - 1}, each later head after the prime
     * just found.
     *
     * @return {@code [layerIndex][(n-2)*heads + h]}
     */
    public static long[][] referencePrimes(int numLayers, int maxNgram, int heads, long[] tableSizes) {
        if (tableSizes.length != maxNgram - 1) {
            throw new IllegalArgumentException("need " + (maxNgram - 1) + " table sizes (orders 2.." + maxNgram + "), got " + tableSizes.length);
        }
        Set<Long> used = new HashSet<>();
        long[][] primes = new long[numLayers][(maxNgram - 1) * heads];
        for (int li = 0; li < numLayers; li++) {
            for (int n = 2; n <= maxNgram; n++) {
                long start = tableSizes[n - 2] - 1;
                for (int h = 0; h < heads; h++) {
                    long p = nextPrimeAfter(start, used);
                    used.add(p);
                    primes[li][(n - 2) * heads + h] = p;
                    start = p;
                }
            }
        }
        return primes;
    }
}
