package io.engramstream.store;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable assignment of rows to tiers with the tiers' contents: the index (RowKey to hot
 * slot or warm slot), the hot NDArray and the warm buffers. The store swaps whole placements
 * atomically; a lookup acquires the placement current at its start and releases it at its end,
 * and a placement frees its memory when the store has dropped it and the last lookup is done.
 */
final class Placement {
    private final long epoch;
    private final String snapshotId;
    private final long[] hotKeys;
    private final long[] warmKeys;
    final RowIndex index;
    final HotTier hot;
    final WarmTier warm;
    /** One reference held by the store while current, one per lookup or staged prefetch using it. */
    private final AtomicInteger refs = new AtomicInteger(1);

    private Placement(long epoch, String snapshotId, long[] hotKeys, long[] warmKeys, RowIndex index, HotTier hot, WarmTier warm) {
        this.epoch = epoch;
        this.snapshotId = snapshotId;
        this.hotKeys = hotKeys;
        this.warmKeys = warmKeys;
        this.index = index;
        this.hot = hot;
        this.warm = warm;
    }

    /** Hot codes are the slot ({@code >= 0}); warm codes are {@code -(slot + 1)}. */
    static int warmCode(int slot) { return -(slot + 1); }
    static int warmSlot(int code) { return -code - 1; }

    /** Builds the tiers of a resolved FULL plan from the cold table's current values. */
    static Placement build(long epoch, PlacementPlan plan, ColdTable cold, NDManager root, Device device, boolean hugePages) {
        long[] hotKeys = plan.hotKeys();
        long[] warmKeys = plan.warmKeys();
        RowIndex index = new RowIndex(cold.layout(), hotKeys, warmKeys, hugePages);
        WarmTier warm = new WarmTier(warmKeys.length, cold.layout(), hugePages);
        try {
            for (int i = 0; i < warmKeys.length; i++) warm.loadFrom(cold, cold.globalRow(warmKeys[i]), i);
            HotTier hot = HotTier.build(root, device, hotKeys, cold, hugePages);
            return new Placement(epoch, plan.snapshotId(), hotKeys, warmKeys, index, hot, warm);
        } catch (RuntimeException | Error e) {
            warm.close();
            throw e;
        }
    }

    long epoch() { return epoch; }
    String snapshotId() { return snapshotId; }
    long[] hotKeys() { return hotKeys; }
    long[] warmKeys() { return warmKeys; }
    int hotRows() { return hotKeys.length; }
    int warmRows() { return warmKeys.length; }

    /** Memory this placement holds: hot rows on the device, warm rows on the host, the index. */
    long hotBytes() { return hot.bytes(); }
    long warmBytes() { return warm.bytes(); }
    long indexBytes() { return index.bytes(); }

    boolean tryAcquire() {
        while (true) {
            int r = refs.get();
            if (r == 0) return false;
            if (refs.compareAndSet(r, r + 1)) return true;
        }
    }

    void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            hot.close();
            warm.close();
        } else if (r < 0) {
            throw new IllegalStateException("placement released more often than acquired");
        }
    }

    boolean isClosed() { return refs.get() == 0; }
}
