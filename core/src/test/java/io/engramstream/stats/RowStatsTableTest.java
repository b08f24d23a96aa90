package io.engramstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowStatsTableTest {

    @Test
    void countsEveryRowLikeAHashMapThroughGrowth() {
        // Starts sparse, grows, then turns dense past ~56% of the shard: counts must survive every step.
        RowStatsTable t = new RowStatsTable(150_000, 0);
        Map<Long, long[]> ref = new HashMap<>();
        Random rnd = new Random(1);
        boolean wasSparse = !t.isDense();
        for (int i = 0; i < 400_000; i++) {
            long key = rnd.nextInt(3) * 50_000L + rnd.nextInt(50_000);
            int src = rnd.nextInt(4) == 0 ? 1 : 0;
            long c = 1 + rnd.nextInt(5);
            t.add(key, c, src, c, i, 0);
            ref.computeIfAbsent(key, k -> new long[2])[src] += c;
        }
        assertEquals(ref.size(), t.size());
        assertTrue(wasSparse && t.isDense(), "sparse at first, dense when most rows are seen");
        assertEquals(150_000L * RowStatsTable.DENSE_BYTES_PER_ROW, t.memoryBytes());
        int[] seen = {0};
        t.forEach((k, corpus, inference, score, last) -> {
            long[] e = ref.get(k);
            assertEquals(e[0], corpus);
            assertEquals(e[1], inference);
            assertEquals(corpus + inference, score, 0.0);   // no decay: score = weighted count, exactly
            seen[0]++;
        });
        assertEquals(ref.size(), seen[0]);
        assertEquals(0, t.count(150_001));
    }

    @Test
    void decayedScoreFollowsTheHalfLifeFormula() {
        double lambda = ScoreDecay.lambda(100);
        RowStatsTable t = new RowStatsTable(100, 0);
        t.add(7, 4, RowStatsTable.SOURCE_CORPUS, 4, 1000, lambda);       // 4 lookups at t=1000
        t.add(7, 2, RowStatsTable.SOURCE_INFERENCE, 6, 1100, lambda);    // 2 lookups weighted 3 at t=1100 (one half-life later)
        double[] score = new double[1];
        long[] last = new long[1];
        t.forEach((k, c, i, s, l) -> { score[0] = s; last[0] = l; });
        assertEquals(1100, last[0]);
        assertEquals(4 * 0.5 + 6, score[0], 1e-12);
        assertEquals((4 * 0.5 + 6) * 0.25, ScoreDecay.at(score[0], last[0], 1300, lambda), 1e-12);
        // A late update (clock before last access) is decayed to the row's clock, not the other way round.
        t.add(7, 1, RowStatsTable.SOURCE_CORPUS, 1, 1000, lambda);
        t.forEach((k, c, i, s, l) -> { score[0] = s; last[0] = l; });
        assertEquals(1100, last[0]);
        assertEquals(4 * 0.5 + 6 + 0.5, score[0], 1e-12);
    }

    @Test
    void updateOrderDoesNotChangeTheScore() {
        double lambda = ScoreDecay.lambda(1000);
        long[][] updates = {{3, 10}, {5, 400}, {1, 2500}, {2, 2600}, {7, 90}};
        RowStatsTable a = new RowStatsTable(100, 0), b = new RowStatsTable(100, 0);
        for (long[] u : updates) a.add(1, u[0], 0, u[0], u[1], lambda);
        for (int i = updates.length - 1; i >= 0; i--) b.add(1, updates[i][0], 0, updates[i][0], updates[i][1], lambda);
        double[] sa = new double[1], sb = new double[1];
        a.forEach((k, c, i, s, l) -> sa[0] = s);
        b.forEach((k, c, i, s, l) -> sb[0] = s);
        double expected = 0;
        for (long[] u : updates) expected += u[0] * Math.pow(2, -(2600 - u[1]) / 1000.0);
        assertEquals(expected, sa[0], 1e-9);
        assertEquals(expected, sb[0], 1e-9);
    }

    @Test
    void serializesAndCopiesExactlyInBothForms() throws Exception {
        for (int rows : new int[] {300, 10_000}) {
            RowStatsTable t = new RowStatsTable(1_000_000, 0);
            Random rnd = new Random(2);
            for (int i = 0; i < rows * 3; i++) t.add(rnd.nextInt(rows), 1 + rnd.nextInt(3), rnd.nextInt(2), 1.5, rnd.nextInt(100), ScoreDecay.lambda(50));
            assertTrue(!t.isDense());
            roundTrip(t, 1 + 8 + 4 + 40L * t.size());
        }
        RowStatsTable dense = new RowStatsTable(5000, 0);
        Random rnd = new Random(3);
        for (int i = 0; i < 20_000; i++) dense.add(rnd.nextInt(5000), 1, rnd.nextInt(2), 1.0, i, ScoreDecay.lambda(500));
        assertTrue(dense.isDense());
        roundTrip(dense, 1 + 8 + 4 + 32L * 5000);
    }

    private static void roundTrip(RowStatsTable t, long expectedBytes) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.write(new DataOutputStream(bytes));
        assertEquals(expectedBytes, bytes.size());
        RowStatsTable back = RowStatsTable.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(t, back);
        assertEquals(t.isDense(), back.isDense());
        RowStatsTable copy = t.copy();
        assertNotSame(t, copy);
        assertEquals(t, copy);
        long fresh = -1;
        for (long k = 0; k < t.length(); k++) if (t.count(k) == 0) { fresh = k; break; }
        copy.add(fresh, 1, 0, 1, 0, 0);
        assertEquals(t.size() + 1, copy.size());
        assertEquals(0, t.count(fresh), "the copy is independent");
    }

    @Test
    void rejectsNegativeKeysAndDuplicatePuts() {
        RowStatsTable t = new RowStatsTable(10, 0);
        assertThrows(IllegalArgumentException.class, () -> t.put(-1, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> t.put(10, 1, 0, 1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> t.add(10, 1, 0, 1, 0, 0));
        t.put(5, 1, 0, 1, 0);
        assertThrows(IllegalStateException.class, () -> t.put(5, 1, 0, 1, 0));
    }
}
