package io.engramstream.store;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.spec.RowKey;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowIndexTest {
    private static final StoreLayout LAYOUT = StoreLayout.of(TestTables.tinySpec(RowFormat.FP16));

    /** 8.8 M rows: a 4.4 MB index, so with huge pages on it is a 2 MiB-page mapping ({@link HostMemory}). */
    private static final StoreLayout LARGE = StoreLayout.of(TestTables.tinySpec(RowFormat.FP16).toBuilder()
            .tableSizes(1_100_000, 1_100_000).build());

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} layout, huge pages {1}, raw loads {2}")
    @org.junit.jupiter.params.provider.CsvSource({"tiny, true, true", "tiny, false, true", "tiny, true, false",
            "large, true, true", "large, true, false", "large, false, true"})
    void resolveAgreesWithTheKeyListsAndWithGet(String size, boolean hugePages, boolean rawLoads) {
        RowIndex.rawLoads = rawLoads;
        try {
            resolveAgrees(size.equals("large") ? LARGE : LAYOUT, hugePages);
        } finally {
            RowIndex.rawLoads = true;
        }
    }

    private static void resolveAgrees(StoreLayout LAYOUT, boolean hugePages) {
        Random r = new Random(21);
        for (double[] share : new double[][] {{0, 0}, {0.2, 0}, {0, 0.3}, {0.25, 0.35}, {1, 0}}) {
            PlacementPlan plan = TestTables.randomPlan(LAYOUT, r, "x", share[0], share[1]);
            long[] hot = plan.hotKeys(), warm = plan.warmKeys();
            RowIndex index = new RowIndex(LAYOUT, hot, warm, hugePages);
            if (LAYOUT == LARGE && hot.length + warm.length > 0) {
                assertEquals(hugePages && HostMemory.hugePagesSupported(), index.onHugePageMapping());
            }
            for (int layer = 0; layer < LAYOUT.numLayers(); layer++) {
                int n = 3000;
                long[] keys = new long[n];
                for (int i = 0; i < n; i++) keys[i] = RowKey.of(layer, r.nextInt((int) LAYOUT.rowsPerLayer(layer)));
                int[] hp = new int[n], wp = new int[n], cp = new int[n], counts = new int[3];
                long[] hs = new long[n], ws = new long[n];
                long[] cr = new long[n];
                index.resolve(layer, keys, 0, n, hp, hs, wp, ws, cp, cr, counts, 0);
                assertEquals(n, counts[0] + counts[1] + counts[2]);
                int h = 0, w = 0, c = 0;
                for (int i = 0; i < n; i++) {
                    long key = keys[i];
                    int code = index.get(key);
                    int inHot = Arrays.binarySearch(hot, key), inWarm = Arrays.binarySearch(warm, key);
                    if (inHot >= 0) {
                        assertEquals(inHot, code);
                        assertEquals(i, hp[h]);
                        assertEquals(inHot, hs[h++]);
                    } else if (inWarm >= 0) {
                        assertEquals(Placement.warmCode(inWarm), code);
                        assertEquals(i, wp[w]);
                        assertEquals(inWarm, ws[w++]);
                    } else {
                        assertEquals(RowIndex.MISSING, code);
                        assertEquals(i, cp[c]);
                        assertEquals(LAYOUT.layerBase(layer) + RowKey.row(key), cr[c++]);
                    }
                }
                assertArrayEquals(new int[] {h, w, c}, counts, "shares " + Arrays.toString(share));
            }
        }
    }

    @Test
    void keysOutsideTheLayerAreRejected() {
        RowIndex index = new RowIndex(LAYOUT, new long[] {RowKey.of(0, 1)}, new long[0], true);
        RowIndex empty = new RowIndex(LAYOUT, new long[0], new long[0], true);
        long rows0 = LAYOUT.rowsPerLayer(0);
        for (RowIndex ix : new RowIndex[] {index, empty}) {
            for (long bad : new long[] {RowKey.of(0, rows0), RowKey.of(1, 3)}) {
                long[] keys = {RowKey.of(0, 1), bad, RowKey.of(0, 2)};
                int[] a = new int[3], c = new int[3], e = new int[3], counts = new int[3];
                long[] b = new long[3], d = new long[3], f = new long[3];
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> ix.resolve(0, keys, 0, 3, a, b, c, d, e, f, counts, 0));
                assertTrue(x.getMessage().contains(RowKey.toString(bad)), x.getMessage());
            }
        }
    }
}
