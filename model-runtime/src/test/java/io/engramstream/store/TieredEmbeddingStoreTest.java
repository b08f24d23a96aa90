package io.engramstream.store;

import io.engramstream.snapshot.Tier;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.engramstream.spec.EngramSpec;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TieredEmbeddingStoreTest {
    @TempDir Path dir;

    static void assertLookup(TestTables t, TokenBatch batch, NDList got, String what) {
        float[][] want = t.expected(batch);
        assertEquals(t.layout.numLayers(), got.size(), what);
        for (int l = 0; l < want.length; l++) {
            NDArray a = got.get(l);
            assertEquals(new Shape(batch.batchSize(), batch.seqLen(), t.layout.lookupWidth()), a.getShape(), what);
            assertEquals(DataType.FLOAT32, a.getDataType(), what);
            assertArrayEquals(want[l], a.toFloatArray(), 0f, what + ", layer " + l);
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> formatsAndPaths() {
        return java.util.Arrays.stream(RowFormat.values()).flatMap(f -> java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(f, true), org.junit.jupiter.params.provider.Arguments.of(f, false)));
    }

    @ParameterizedTest(name = "{0}, host assembly {1}")
    @org.junit.jupiter.params.provider.MethodSource("formatsAndPaths")
    void lookupsEqualTheFlatTableUnderEveryPlacement(RowFormat format, boolean hostAssembly) throws Exception {
        TestTables t = new TestTables(dir, format, 7);
        Random r = new Random(11);
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            double[][] shares = {{0, 0}, {1, 0}, {0, 1}, {0.1, 0.3}, {0.5, 0.5}, {0.02, 0.05}};
            long positions = 0;
            for (int i = 0; i < shares.length; i++) {
                if (i > 0) store.apply(TestTables.randomPlan(t.layout, r, "p" + i, shares[i][0], shares[i][1]));
                for (int k = 0; k < 3; k++) {
                    TokenBatch batch = TestTables.randomBatch(r, 1 + r.nextInt(4), 1 + r.nextInt(40));
                    positions += (long) batch.tokenCount() * t.spec.lookupsPerToken();
                    try (NDManager sub = m.newSubManager()) {
                        assertLookup(t, batch, store.lookup(sub, batch), format + " placement " + i);
                    }
                }
            }
            // rowKeys names the row behind every output element
            TokenBatch kb = TestTables.randomBatch(r, 2, 7);
            long[] keys = store.rowKeys(kb);
            float[][] want = t.expected(kb);
            int dim = t.layout.dim(), n = kb.tokenCount() * t.layout.headsPerLayer();
            assertEquals(t.layout.numLayers() * n, keys.length);
            for (int l = 0; l < t.layout.numLayers(); l++) {
                for (int i = 0; i < n; i++) {
                    long key = keys[l * n + i];
                    assertEquals(l, io.engramstream.spec.RowKey.layerIndex(key));
                    int row = (int) io.engramstream.spec.RowKey.row(key);
                    assertArrayEquals(java.util.Arrays.copyOfRange(t.flat[l], row * dim, (row + 1) * dim),
                            java.util.Arrays.copyOfRange(want[l], i * dim, (i + 1) * dim), 0f);
                }
            }
            StoreMetrics mt = store.metrics();
            assertEquals(6 * 3, mt.batches());
            assertEquals(positions, mt.positions());
            assertEquals(positions, mt.tier(Tier.HOT).positionsServed() + mt.tier(Tier.WARM).positionsServed() + mt.tier(Tier.COLD).positionsServed());
            // rows gathered: every distinct row on the device path, every row lookup with host assembly (no deduplication)
            long gathered = hostAssembly ? positions : mt.distinctRows();
            if (hostAssembly) assertEquals(0, mt.distinctRows());
            else assertTrue(mt.distinctRows() > 0 && mt.distinctRows() < positions);
            assertEquals(gathered, mt.tier(Tier.HOT).lookups());
            assertEquals(gathered, mt.tier(Tier.HOT).hits() + mt.tier(Tier.WARM).hits() + mt.tier(Tier.COLD).hits());
            assertEquals(gathered - mt.tier(Tier.HOT).hits(), mt.tier(Tier.WARM).lookups());
            if (hostAssembly) {
                for (Tier tier : Tier.values()) assertEquals(mt.tier(tier).positionsServed(), mt.tier(tier).hits(), tier.label());
            }
            assertEquals(mt.tier(Tier.WARM).hits() * t.layout.rowBytes(), mt.tier(Tier.WARM).bytesMoved());
            assertEquals(mt.tier(Tier.COLD).hits() * t.layout.rowBytes(), mt.tier(Tier.COLD).bytesMoved());
            assertEquals(mt.tier(Tier.HOT).hits() * t.layout.deviceRowBytes(), mt.tier(Tier.HOT).bytesMoved());
            assertTrue(store.metrics().tier(Tier.HOT).hits() > 0);
            assertTrue(store.metrics().tier(Tier.WARM).hits() > 0);
            assertTrue(store.metrics().tier(Tier.COLD).hits() > 0);
        }
    }

    @ParameterizedTest(name = "host assembly {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void lookupsAreExactWhenTheColdTableIsMappedInManyPieces(boolean hostAssembly) throws Exception {
        // room for 100 rows per mapping: 64 (a power of two), so a batch reads from dozens of mappings
        TestTables t = new TestTables(dir, TestTables.tinySpec(RowFormat.FP16), 17, 100L * 8 * 2);   // 8 dims x 2 bytes
        Random r = new Random(18);
        try (TieredEmbeddingStore store = t.store().hostAssembly(hostAssembly).initialPlan(TestTables.randomPlan(t.layout, r, "1", 0.1, 0.2)).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertTrue(t.cold.chunkCount() > 20, "mappings: " + t.cold.chunkCount());
            TokenBatch next = TestTables.randomBatch(r, 3, 33);
            for (int i = 0; i < 4; i++) {
                TokenBatch batch = next;
                next = TestTables.randomBatch(r, 3, 33);
                store.prefetch(next);
                try (NDManager sub = m.newSubManager()) {
                    assertLookup(t, batch, store.lookup(sub, batch), "lookup " + i);
                }
            }
        }
    }

    /** Addresses of a placement's host tiers (hot on a CPU, warm) that are live HostMemory mappings. */
    private static java.util.Set<Long> mappedTiers(Placement p) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        java.util.List<java.nio.ByteBuffer> bufs = new java.util.ArrayList<>(p.warm.buffers());
        if (p.hot.hostRows() != null) bufs.add(p.hot.hostRows());
        for (java.nio.ByteBuffer b : bufs) if (HostMemory.isMapped(b)) out.add(RawMemory.address(b));
        return out;
    }

    @ParameterizedTest(name = "huge pages {0}, raw copies {1}")
    @org.junit.jupiter.params.provider.CsvSource({"true, true", "false, true", "true, false"})
    void lookupsAreExactWithTiersOnHugePagesAndSwapsUnmapThem(boolean hugePages, boolean rawCopies) throws Exception {
        RowCopy.rawCopies = rawCopies;
        RowIndex.rawLoads = rawCopies;
        try {
            lookupsOnHugePages(hugePages);
        } finally {
            RowCopy.rawCopies = true;
            RowIndex.rawLoads = true;
        }
    }

    private void lookupsOnHugePages(boolean hugePages) throws Exception {
        // 800 k rows of 8 fp32: hot and warm tiers of several MB, so with huge pages on they are HostMemory mappings
        EngramSpec spec = TestTables.tinySpec(RowFormat.FP32).toBuilder().tableSizes(100_000, 100_000).build();
        TestTables t = new TestTables(dir, spec, 23, ColdTable.DEFAULT_CHUNK_BYTES);
        Random r = new Random(24);
        java.util.Set<Long> earlier = new java.util.HashSet<>();
        java.util.Set<Long> current;
        try (TieredEmbeddingStore store = t.store().hugePages(hugePages).build();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TokenBatch next = TestTables.randomBatch(r, 2, 64);
            for (int i = 0; i < 4; i++) {
                store.apply(TestTables.randomPlan(t.layout, r, "h" + i, 0.2, 0.3));
                current = mappedTiers(store.currentPlacement());
                assertEquals(hugePages && HostMemory.hugePagesSupported() ? 2 : 0, current.size(), "hot and warm tier mapped");
                for (int k = 0; k < 3; k++) {
                    TokenBatch batch = next;
                    next = TestTables.randomBatch(r, 2, 64);
                    store.prefetch(next);
                    try (NDManager sub = m.newSubManager()) {
                        assertLookup(t, batch, store.lookup(sub, batch), "placement " + i + " batch " + k);
                    }
                }
                // the replaced placements were released when their last lookup ended: unmapped (or the address reused by the current one)
                for (long a : earlier) assertTrue(!HostMemory.isMappedAt(a) || current.contains(a), "a replaced tier is still mapped");
                earlier.addAll(current);
            }
            current = mappedTiers(store.currentPlacement());
        }
        for (long a : current) assertFalse(HostMemory.isMappedAt(a), "closing the store unmaps its tiers");
    }
}
