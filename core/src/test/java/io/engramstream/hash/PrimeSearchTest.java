package io.engramstream.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrimeSearchTest {

    @Test
    void agreesWithASieveBelowOneMillion() {
        int n = 1_000_000;
        boolean[] composite = new boolean[n];
        for (int i = 2; (long) i * i < n; i++) if (!composite[i]) for (int j = i * i; j < n; j += i) composite[j] = true;
        for (int i = 0; i < n; i++) assertEquals(i >= 2 && !composite[i], PrimeSearch.isPrime(i), "n=" + i);
    }

    @Test
    void agreesWithBigIntegerAbove2To32() {
        long x = (1L << 32) - 1000;
        for (int i = 0; i < 3000; i++, x += 7919) {
            assertEquals(BigInteger.valueOf(x).isProbablePrime(60), PrimeSearch.isPrime(x), "n=" + x);
        }
        assertTrue(PrimeSearch.isPrime(9223372036854775783L));
        assertFalse(PrimeSearch.isPrime(3215031751L)); // strong pseudoprime to bases 2, 3, 5, 7
        assertFalse(PrimeSearch.isPrime(3825123056546413051L)); // strong pseudoprime to bases 2..23
    }

    @Test
    void referenceAllocationSkipsPrimesUsedByEarlierHeadsOrLayers() {
        // Orders 2 and 3 share the start 10; layer 2 continues the shared used-set.
        long[][] p = PrimeSearch.referencePrimes(2, 3, 2, new long[] {11, 11});
        assertArrayEquals(new long[] {11, 13, 17, 19}, p[0]);
        assertArrayEquals(new long[] {23, 29, 31, 37}, p[1]);
        assertEquals(2, PrimeSearch.nextPrimeAfter(0, Set.of()));
        assertEquals(3, PrimeSearch.nextPrimeAfter(0, Set.of(2L)));
    }
}
