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
    void shardsAreConsecutiveEvenRangesAndRowKeysRoundTrip() {
        RowShards shards = new RowShards(new long[] {10_343_000, 10_341_800}, 128);
        assertEquals(0, shards.start(0));
        assertEquals(shards.totalRows(), shards.start(128));
        for (int s = 0; s < 128; s++) {
            long len = shards.length(s);
            assertTrue(len == shards.totalRows() / 128 || len == shards.totalRows() / 128 + 1, "even cut: " + len);
            assertEquals(s, shards.shardOf(shards.start(s)));
            assertEquals(s, shards.shardOf(shards.start(s + 1) - 1));
        }
        for (long k : new long[] {RowKey.of(0, 0), RowKey.of(0, 10_342_999), RowKey.of(1, 0), RowKey.of(1, 77)}) {
            assertEquals(k, shards.rowKey(shards.index(k)));
        }
        assertEquals(10_343_000, shards.index(RowKey.of(1, 0)));
    }

    @Test
    void denseFlushBySkipsEmptyShardsAndGivesLocalRows() {
        long[] rowsPerLayer = {40, 24};
        RowShards shards = new RowShards(rowsPerLayer, 8);
        DenseRowCounter d = new DenseRowCounter(rowsPerLayer);
        d.add(0);
        d.add(0);
        d.add(9);
        d.add(63);
        java.util.List<String> seen = new java.util.ArrayList<>();
        d.flush(shards, new DenseRowCounter.ShardRunSink() {
            @Override public void begin(int shard) { seen.add("begin " + shard); }
            @Override public void delta(long local, long count) { seen.add(local + "x" + count); }
            @Override public void end(int shard) { seen.add("end " + shard); }
        });
        assertEquals(java.util.List.of("begin 0", "0x2", "end 0", "begin 1", "1x1", "end 1", "begin 7", "7x1", "end 7"), seen);
    }
}
