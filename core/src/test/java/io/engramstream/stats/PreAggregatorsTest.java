package io.engramstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.spec.RowKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreAggregatorsTest {

    @Test
    void denseCounterEmitsEveryTouchedRowOnceInKeyOrderAndResets() {
        long[] rowsPerLayer = {1000, 700};
        DenseRowCounter d = new DenseRowCounter(rowsPerLayer);
        Map<Long, Long> ref = new HashMap<>();
        Random rnd = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            int layer = rnd.nextInt(2);
            int row = rnd.nextInt((int) rowsPerLayer[layer]);
            d.add(d.layerStart(layer) + row);
            ref.merge(RowKey.of(layer, row), 1L, Long::sum);
        }
        d.addPending(50_000);
        assertEquals(50_000, d.pending());
        Map<Long, Long> got = new HashMap<>();
        long[] prev = {-1};
        d.flush((k, c) -> {
            assertTrue(k > prev[0], "ascending keys");
            prev[0] = k;
            got.put(k, c);
        });
        assertEquals(ref, got);
        assertEquals(0, d.pending());
        d.flush((k, c) -> { throw new AssertionError("flushed twice"); });
    }

    @Test
    void sparseCounterAggregatesAndReportsFull() {
        SparseRowCounter s = new SparseRowCounter(1000);
        Map<Long, Long> ref = new HashMap<>();
        Random rnd = new Random(4);
        for (int i = 0; i < 5000 && !s.isFull(); i++) {
            long key = rnd.nextInt(2000) | (long) rnd.nextInt(3) << 48;
            s.add(key, 2);
            ref.merge(key, 2L, Long::sum);
        }
        assertTrue(s.isFull());
        assertEquals(ref.size(), s.size());
        Map<Long, Long> got = new HashMap<>();
        s.flush((k, c) -> got.put(k, c));
        assertEquals(ref, got);
        assertEquals(0, s.size());
        s.add(42, 1);
        Map<Long, Long> again = new HashMap<>();
        s.flush(again::put);
        assertEquals(Map.of(42L, 1L), again);
    }

    @Test
    void shardsCoverTheRangeEvenly() {
        int shards = 128;
        int[] hist = new int[shards];
        for (long k = 0; k < 1_280_000; k++) hist[VirtualShards.shardOf(RowKey.of((int) (k & 1), k >> 1), shards)]++;
        for (int h : hist) assertTrue(h > 9_000 && h < 11_000, "shard load " + h);
        assertEquals(VirtualShards.shardOf(12345, 7), VirtualShards.shardOf(12345, 7));
    }
}
