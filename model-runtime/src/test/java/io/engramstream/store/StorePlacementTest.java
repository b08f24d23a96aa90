package io.engramstream.store;

import static io.engramstream.store.TieredEmbeddingStoreTest.assertLookup;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.engramstream.snapshot.Tier;
import io.engramstream.spec.RowKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Swaps, deltas, rejections, prefetch and writes, each checked against the flat reference table. */
class StorePlacementTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "host assembly {0}")
    @ValueSource(booleans = {true, false})
    void lookupsStayExactWhilePlacementsSwapConcurrently(boolean hostAssembly) throws Exception {
        TestTables t = new TestTables(dir, RowFormat.BF16, 3);
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).build(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Integer>> readers = new ArrayList<>();
            for (int th = 0; th < 2; th++) {
                final int seed = th;
                readers.add(pool.submit(() -> {
                    Random r = new Random(100 + seed);
                    int n = 0;
                    TokenBatch next = TestTables.randomBatch(r, 2, 24);
                    while (!done.get() || n < 5) {
                        TokenBatch batch = next;
                        next = TestTables.randomBatch(r, 2, 24);
                        if (seed == 1) store.prefetch(next);   // one reader stages ahead, across swaps
                        try (NDManager sub = m.newSubManager()) {
                            assertLookup(t, batch, store.lookup(sub, batch), "reader " + seed + " lookup " + n);
                        }
                        n++;
                    }
                    return n;
                }));
            }
            Random r = new Random(5);
            for (int i = 1; i <= 12; i++) {
                store.applyAsync(TestTables.randomPlan(t.layout, r, "v" + i, r.nextDouble() * 0.3, r.nextDouble() * 0.5)).get(30, TimeUnit.SECONDS);
            }
            done.set(true);
            int lookups = 0;
            for (Future<Integer> f : readers) lookups += f.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertEquals("v12", store.snapshotId());
            assertEquals(12, store.metrics().swaps());
            assertTrue(lookups >= 10, "lookups ran during the swaps: " + lookups);
        }
    }

    @ParameterizedTest(name = "host assembly {0}")
    @ValueSource(booleans = {true, false})
    void aStagedPrefetchFinishesOnTheOldPlacementAfterASwap(boolean hostAssembly) throws Exception {
        TestTables t = new TestTables(dir, RowFormat.FP32, 4);
        Random r = new Random(9);
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).initialPlan(TestTables.randomPlan(t.layout, r, "a", 0.2, 0.3)).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TokenBatch batch = TestTables.randomBatch(r, 3, 30);
            store.prefetch(batch);
            store.apply(TestTables.randomPlan(t.layout, r, "b", 0.5, 0.1));
            assertLookup(t, batch, store.lookup(m, batch), "prefetched on a, looked up after the swap to b");
            assertEquals(1, store.metrics().prefetchHits());
            TokenBatch again = TokenBatch.wrap(batch.batchSize(), batch.seqLen(), batch.tokens().clone());
            store.prefetch(again);
            assertLookup(t, again, store.lookup(m, TokenBatch.wrap(batch.batchSize(), batch.seqLen(), batch.tokens().clone())), "equal tokens find the staged batch");
            assertEquals(2, store.metrics().prefetchHits());
        }
    }

    @ParameterizedTest(name = "host assembly {0}")
    @ValueSource(booleans = {true, false})
    void prefetchedBatchesLookedUpInAnyOrderOrDroppedStayExactAndReleaseTheirPlacement(boolean hostAssembly) throws Exception {
        TestTables t = new TestTables(dir, RowFormat.FP16, 15);
        Random r = new Random(16);
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).initialPlan(TestTables.randomPlan(t.layout, r, "1", 0.3, 0.3)).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Placement first = store.currentPlacement();
            TokenBatch[] b = new TokenBatch[6];
            for (int i = 0; i < b.length; i++) b[i] = TestTables.randomBatch(r, 1 + r.nextInt(3), 5 + r.nextInt(40));
            // four staged at once: the lookup of the last one usually finds its background task still queued (and does it itself)
            for (int i = 0; i < 4; i++) store.prefetch(b[i]);
            for (int i : new int[] {3, 0, 2, 1}) {
                try (NDManager sub = m.newSubManager()) {
                    assertLookup(t, b[i], store.lookup(sub, b[i]), "prefetched batch " + i);
                }
            }
            assertEquals(4, store.metrics().prefetchHits());
            // six staged: the two oldest are dropped, their lookups stage again in the foreground
            for (TokenBatch x : b) store.prefetch(x);
            for (int i = b.length - 1; i >= 0; i--) {
                try (NDManager sub = m.newSubManager()) {
                    assertLookup(t, b[i], store.lookup(sub, b[i]), "batch " + i + " of six");
                }
            }
            assertEquals(8, store.metrics().prefetchHits());
            assertEquals(2, store.metrics().prefetchMisses());
            // a batch staged on placement 1 and never looked up, then a swap: placement 1 is freed once nothing stages on it
            store.prefetch(b[0]).join();
            store.apply(TestTables.randomPlan(t.layout, r, "2", 0.3, 0.3));
            for (int i = 1; i < 6; i++) store.prefetch(b[i]);   // pushes the batch staged on 1 out
            for (int i = 1; i < 6; i++) {
                try (NDManager sub = m.newSubManager()) {
                    assertLookup(t, b[i], store.lookup(sub, b[i]), "after the swap, batch " + i);
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!first.isClosed() && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(first.isClosed(), "the swapped-out placement was released by every staged batch");
        }
    }

    @Test
    void deltasMoveRowsBetweenTiers() throws Exception {
        TestTables t = new TestTables(dir, RowFormat.FP16, 5);
        long a = RowKey.of(0, 10), b = RowKey.of(0, 11), c = RowKey.of(1, 12), d = RowKey.of(1, 13);
        try (TieredEmbeddingStore store = t.store().build(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            store.apply(PlacementPlan.full("1", new long[] {a, b}, new long[] {c}, t.spec.fingerprint(), null));
            assertEquals(Tier.HOT, store.tierOf(a));
            assertEquals(Tier.WARM, store.tierOf(c));
            assertEquals(Tier.COLD, store.tierOf(d));
            store.apply(PlacementPlan.delta("2", "1", new long[] {a, c, d}, new Tier[] {Tier.COLD, Tier.HOT, Tier.WARM}, t.spec.fingerprint(), null));
            assertEquals("2", store.snapshotId());
            assertEquals(Tier.COLD, store.tierOf(a));
            assertEquals(Tier.HOT, store.tierOf(b));
            assertEquals(Tier.HOT, store.tierOf(c));
            assertEquals(Tier.WARM, store.tierOf(d));
            assertArrayEquals(new long[] {b, c}, store.hotKeys());
            assertArrayEquals(new long[] {d}, store.warmKeys());
            float[] row = new float[t.layout.dim()];
            for (long k : new long[] {a, b, c, d}) {
                store.readPlacedRow(k, row);
                assertArrayEquals(java.util.Arrays.copyOfRange(t.flat[RowKey.layerIndex(k)], (int) RowKey.row(k) * row.length, (int) (RowKey.row(k) + 1) * row.length), row, 0f);
            }
            Random r = new Random(1);
            TokenBatch batch = TestTables.randomBatch(r, 2, 50);
            assertLookup(t, batch, store.lookup(m, batch), "after the delta");
        }
    }

    @Test
    void rejectedPlansLeaveTheStoreUnchanged() throws Exception {
        TestTables t = new TestTables(dir, RowFormat.FP32, 6);
        Random r = new Random(2);
        PlacementPlan good = TestTables.randomPlan(t.layout, r, "7", 0.1, 0.2);
        try (TieredEmbeddingStore store = t.store().canonicalMapFingerprint("canon0000000001").maxHotRows(2000).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            store.apply(good);
            long epoch = store.placementEpoch();
            long[] hot = store.hotKeys(), warm = store.warmKeys();
            String fp = t.spec.fingerprint();
            long outside = RowKey.of(1, t.layout.rowsPerLayer(1));
            PlacementPlan[] bad = {
                PlacementPlan.full("8", new long[] {1}, new long[0], "ffffffffffffffff", null),
                PlacementPlan.full("8", new long[] {1}, new long[0], fp, "canon0000000002"),
                PlacementPlan.full("8", new long[] {outside}, new long[0], fp, null),
                PlacementPlan.full("8", new long[] {RowKey.of(2, 0)}, new long[0], fp, null),
                PlacementPlan.full("8", new long[] {5, 6}, new long[] {6}, fp, null),
                TestTables.randomPlan(t.layout, r, "8", 0.5, 0),
                PlacementPlan.delta("8", "6", new long[] {5}, new Tier[] {Tier.HOT}, fp, null),
            };
            String[] reasons = {"spec fingerprint", "canonical map", "outside the table", "no such layer", "both hot and warm", "budget", "delta applies to snapshot 6"};
            for (int i = 0; i < bad.length; i++) {
                final PlacementPlan p = bad[i];
                SnapshotRejectedException e = assertThrows(SnapshotRejectedException.class, () -> store.apply(p), reasons[i]);
                assertTrue(e.getMessage().contains(reasons[i]), e.getMessage());
                assertEquals(i + 1, store.metrics().rejectedSnapshots());
                assertEquals(e.getMessage(), store.metrics().lastRejection());
                assertEquals("7", store.snapshotId());
                assertEquals(epoch, store.placementEpoch());
                assertArrayEquals(hot, store.hotKeys());
                assertArrayEquals(warm, store.warmKeys());
            }
            // the async path reports the same way
            var f = store.applyAsync(bad[0]);
            var ex = assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(SnapshotRejectedException.class, ex.getCause());
            TokenBatch batch = TestTables.randomBatch(r, 2, 40);
            assertLookup(t, batch, store.lookup(m, batch), "after rejections");
        }
    }

    @ParameterizedTest(name = "host assembly {0}")
    @ValueSource(booleans = {true, false})
    void writesReachEveryTierAndTheFile(boolean hostAssembly) throws Exception {
        TestTables t = new TestTables(dir, RowFormat.FP32, 8);
        Random r = new Random(3);
        PlacementPlan plan = TestTables.randomPlan(t.layout, r, "1", 0.3, 0.3);
        int dim = t.layout.dim();
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).initialPlan(plan).build(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            long hotKey = plan.hotKeys()[3], warmKey = plan.warmKeys()[4];
            long coldKey = -1;
            for (long row = 0; coldKey < 0; row++) if (store.tierOf(RowKey.of(0, row)) == Tier.COLD) coldKey = RowKey.of(0, row);
            long[][] byLayer = new long[2][];
            // layer 0 gets the three keys of layer 0 (if any), then we write layer by layer
            List<Long> keys = List.of(hotKey, warmKey, coldKey);
            for (long key : keys) {
                int l = RowKey.layerIndex(key);
                long row = RowKey.row(key);
                float[] v = new float[dim];
                for (int e = 0; e < dim; e++) v[e] = 100 + e + row;
                store.writeRows(l, new long[] {row}, v);
                System.arraycopy(v, 0, t.flat[l], (int) row * dim, dim);
            }
            // a batch write with a repeated row: the last value wins
            float[] two = new float[2 * dim];
            java.util.Arrays.fill(two, 0, dim, -1f);
            java.util.Arrays.fill(two, dim, 2 * dim, -2f);
            long hr = RowKey.row(hotKey);
            int hl = RowKey.layerIndex(hotKey);
            store.writeRows(hl, new long[] {hr, hr}, two);
            java.util.Arrays.fill(t.flat[hl], (int) hr * dim, (int) (hr + 1) * dim, -2f);
            assertEquals(3, store.dirtyRows());
            float[] row = new float[dim];
            for (long key : keys) {
                store.readPlacedRow(key, row);
                int l = RowKey.layerIndex(key);
                assertArrayEquals(java.util.Arrays.copyOfRange(t.flat[l], (int) RowKey.row(key) * dim, (int) (RowKey.row(key) + 1) * dim), row, 0f, store.tierOf(key) + " copy");
                float[] viaRead = new float[dim];
                store.readRows(l, new long[] {RowKey.row(key)}, viaRead);
                assertArrayEquals(row, viaRead, 0f);
            }
            for (int i = 0; i < 5; i++) {
                TokenBatch batch = TestTables.randomBatch(r, 2, 40);
                assertLookup(t, batch, store.lookup(m, batch), "after writes");
            }
            store.flush();
            assertEquals(0, store.dirtyRows());
        }
        try (ColdTable reopened = ColdTable.open(t.cold.path(), t.layout, false)) {
            float[] row = new float[dim];
            for (int l = 0; l < 2; l++) {
                for (long rr = 0; rr < t.layout.rowsPerLayer(l); rr++) {
                    reopened.readRow(reopened.globalRow(l, rr), row, 0);
                    assertArrayEquals(java.util.Arrays.copyOfRange(t.flat[l], (int) rr * dim, (int) (rr + 1) * dim), row, 0f);
                }
            }
        }
    }

    @ParameterizedTest(name = "host assembly {0}")
    @ValueSource(booleans = {true, false})
    void aBatchWrittenAfterItsPrefetchIsLookedUpWithTheNewValues(boolean hostAssembly) throws Exception {
        TestTables t = new TestTables(dir, RowFormat.FP16, 9);
        Random r = new Random(4);
        int dim = t.layout.dim();
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).initialPlan(TestTables.randomPlan(t.layout, r, "1", 0.2, 0.4)).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TokenBatch batch = TestTables.randomBatch(r, 2, 30);
            store.prefetch(batch).join();   // staged before the write, so the lookup must refresh it
            // write every row this batch touches in layer 1 (hot, warm and cold ones)
            long[] rows = t.firstSequenceRows(batch, 1);
            float[] v = new float[rows.length * dim];
            for (int i = 0; i < v.length; i++) v[i] = (i % 97) / 8f;
            t.writeRows(store, 1, rows, v);
            // duplicates inside the write: the last occurrence's value is what the flat table now holds
            assertLookup(t, batch, store.lookup(m, batch), "prefetched, then written");
            assertEquals(1, store.metrics().prefetchHits());
            assertEquals(1, store.metrics().prefetchRefreshed());
        }
    }

    @ParameterizedTest(name = "host assembly {0}")
    @ValueSource(booleans = {true, false})
    void aBatchPrefetchedThenSwappedThenWrittenIsStagedAgainOnTheNewPlacement(boolean hostAssembly) throws Exception {
        TestTables t = new TestTables(dir, RowFormat.BF16, 13);
        Random r = new Random(14);
        int dim = t.layout.dim();
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).initialPlan(TestTables.randomPlan(t.layout, r, "1", 0.3, 0.3)).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TokenBatch batch = TestTables.randomBatch(r, 2, 25);
            store.prefetch(batch).join();
            PlacementPlan next = TestTables.randomPlan(t.layout, r, "2", 0.4, 0.4);
            store.apply(next);
            // write rows of layer 0 the batch touches, chosen from the new placement's hot and warm sets and the cold rest
            long[] rows = t.firstSequenceRows(batch, 0);
            int per = rows.length;
            java.util.EnumSet<Tier> written = java.util.EnumSet.noneOf(Tier.class);
            for (long row : rows) written.add(store.tierOf(RowKey.of(0, row)));
            assertEquals(java.util.EnumSet.allOf(Tier.class), written, "the write covers every tier of the new placement");
            float[] v = new float[per * dim];
            for (int i = 0; i < v.length; i++) v[i] = 50 + (i % 31) / 4f;
            t.writeRows(store, 0, rows, v);
            assertLookup(t, batch, store.lookup(m, batch), "prefetched on 1, swapped to 2, written");
            assertEquals(1, store.metrics().prefetchHits());
            assertEquals(1, store.metrics().prefetchRefreshed());
        }
    }

    @Test
    void aWriteBetweenBuildAndSwapReachesTheNewPlacement() throws Exception {
        TestTables t = new TestTables(dir, RowFormat.BF16, 11);
        int dim = t.layout.dim();
        Random r = new Random(12);
        PlacementPlan plan = TestTables.randomPlan(t.layout, r, "2", 0.3, 0.3);
        long hotKey = plan.hotKeys()[0], warmKey = plan.warmKeys()[0];
        try (TieredEmbeddingStore store = t.store().build()) {
            store.afterBuildHook = () -> {
                for (long key : new long[] {hotKey, warmKey}) {
                    int l = RowKey.layerIndex(key);
                    long row = RowKey.row(key);
                    float[] v = new float[dim];
                    java.util.Arrays.fill(v, 42.5f);
                    store.writeRows(l, new long[] {row}, v);
                    System.arraycopy(v, 0, t.flat[l], (int) row * dim, dim);
                }
            };
            store.apply(plan);
            float[] row = new float[dim];
            for (long key : new long[] {hotKey, warmKey}) {
                store.readPlacedRow(key, row);
                float[] want = new float[dim];
                java.util.Arrays.fill(want, 42.5f);
                assertArrayEquals(want, row, 0f, store.tierOf(key) + " copy of a row written during the build");
            }
        }
    }

    @Test
    void writesDuringPlacementBuildsReachTheNewPlacement() throws Exception {
        TestTables t = new TestTables(dir, RowFormat.FP32, 10);
        int dim = t.layout.dim();
        try (TieredEmbeddingStore store = t.store().build(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread writer = new Thread(() -> {
                Random r = new Random(77);
                float[] v = new float[4 * dim];
                long[] rows = new long[4];
                int n = 0;
                while (!stop.get() || n < 50) {
                    int l = r.nextInt(2);
                    for (int i = 0; i < 4; i++) rows[i] = r.nextInt((int) t.layout.rowsPerLayer(l));
                    for (int i = 0; i < v.length; i++) v[i] = r.nextInt(1000) / 4f;
                    store.writeRows(l, rows, v);
                    synchronized (t.flat) {
                        for (int i = 0; i < 4; i++) System.arraycopy(v, i * dim, t.flat[l], (int) rows[i] * dim, dim);
                    }
                    n++;
                    started.countDown();
                }
            });
            writer.start();
            started.await();
            Random r = new Random(6);
            for (int i = 0; i < 8; i++) store.apply(TestTables.randomPlan(t.layout, r, "w" + i, 0.4, 0.4));
            stop.set(true);
            writer.join();
            float[] row = new float[dim];
            for (int l = 0; l < 2; l++) {
                for (long rr = 0; rr < t.layout.rowsPerLayer(l); rr++) {
                    store.readPlacedRow(RowKey.of(l, rr), row);
                    assertArrayEquals(java.util.Arrays.copyOfRange(t.flat[l], (int) rr * dim, (int) (rr + 1) * dim), row, 0f,
                            "row " + RowKey.toString(RowKey.of(l, rr)) + " in " + store.tierOf(RowKey.of(l, rr)));
                }
            }
        }
    }
}
