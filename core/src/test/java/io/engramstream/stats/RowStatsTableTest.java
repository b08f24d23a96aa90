package io.engramstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        RowStatsTable t = new RowStatsTable();
        Map<Long, long[]> ref = new HashMap<>();
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            long key = (long) rnd.nextInt(3) << 48 | rnd.nextInt(50_000);
            int src = rnd.nextInt(4) == 0 ? 1 : 0;
            long c = 1 + rnd.nextInt(5);
            t.add(key, c, src, c, i, 0);
            ref.computeIfAbsent(key, k -> new long[2])[src] += c;
        }
        assertEquals(ref.size(), t.size());
        int[] seen = {0};
        t.forEach((k, corpus, inference, score, last) -> {
            long[] e = ref.get(k);
            assertEquals(e[0], corpus);
            assertEquals(e[1], inference);
            assertEquals(corpus + inference, score, 0.0);   // no decay: score = weighted count, exactly
            seen[0]++;
        });
        assertEquals(ref.size(), seen[0]);
        assertEquals(0, t.count(1L << 47));
    }

    @Test
    void decayedScoreFollowsTheHalfLifeFormula() {
        double lambda = ScoreDecay.lambda(100);
        RowStatsTable t = new RowStatsTable();
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
        RowStatsTable a = new RowStatsTable(), b = new RowStatsTable();
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
    void serializesAndCopiesExactly() throws Exception {
        RowStatsTable t = new RowStatsTable();
        Random rnd = new Random(2);
        for (int i = 0; i < 10_000; i++) t.add(rnd.nextInt(3000), 1 + rnd.nextInt(3), rnd.nextInt(2), 1.5, rnd.nextInt(100), ScoreDecay.lambda(50));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.write(new DataOutputStream(bytes));
        RowStatsTable back = RowStatsTable.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(t, back);
        assertEquals(4 + 40L * t.size(), bytes.size());
        RowStatsTable copy = t.copy();
        assertNotSame(t, copy);
        assertEquals(t, copy);
        copy.add(999_999, 1, 0, 1, 0, 0);
        assertEquals(t.size() + 1, copy.size());
        assertEquals(0, t.count(999_999));
    }

    @Test
    void rejectsNegativeKeysAndDuplicatePuts() {
        RowStatsTable t = new RowStatsTable();
        assertThrows(IllegalArgumentException.class, () -> t.put(-1, 1, 0, 1, 0));
        t.put(5, 1, 0, 1, 0);
        assertThrows(IllegalStateException.class, () -> t.put(5, 1, 0, 1, 0));
    }
}
