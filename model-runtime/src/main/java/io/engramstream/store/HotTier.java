package io.engramstream.store;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.nio.ByteBuffer;

/**
 * A placement's hot rows as one NDArray {@code [rows, dim]} on the store's device, in the
 * format's device type: the GPU when DJL sees one, otherwise the engine's CPU memory. Nothing here
 * depends on which: gathers and updates are engine ops.
 */
final class HotTier implements AutoCloseable {
    private final NDManager manager;
    private final NDArray table;
    private final int rows;
    private final int deviceRowBytes;
    /** On a CPU device the array is a zero-copy view of this buffer, which must stay reachable. */
    private final ByteBuffer backing;
    private final long[] hostAddress;

    private HotTier(NDManager manager, NDArray table, int rows, int deviceRowBytes, ByteBuffer backing) {
        this.manager = manager;
        this.table = table;
        this.rows = rows;
        this.deviceRowBytes = deviceRowBytes;
        this.backing = backing;
        this.hostAddress = backing != null && RawMemory.available() && backing.capacity() > 0 ? new long[] {RawMemory.address(backing)} : null;
    }

    /** Builds the tier from the cold table's current values of {@code keys}, slot i = keys[i]. */
    static HotTier build(NDManager root, Device device, long[] keys, ColdTable cold, boolean hugePages) {
        StoreLayout layout = cold.layout();
        int drb = layout.deviceRowBytes();
        // on a CPU the array is a view of this buffer, so its pages are the tier's: 2 MiB ones where possible
        ByteBuffer staging = HostMemory.allocate((long) keys.length * drb, hugePages && !device.isGpu());
        for (int i = 0; i < keys.length; i++) cold.copyDeviceRow(cold.globalRow(keys[i]), staging, i * drb);
        NDManager m = root.newSubManager(device);
        try {
            NDArray t = m.create(staging, new Shape(keys.length, layout.dim()), layout.format().deviceType());
            boolean zeroCopy = !device.isGpu();
            if (!zeroCopy) HostMemory.free(staging);
            return new HotTier(m, t, keys.length, drb, zeroCopy ? staging : null);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    int rows() { return rows; }

    /**
     * The tier's rows as host memory ({@code [rows, dim]} in the device type, row-major), when the
     * device array is a view of a host buffer (a CPU device); null on a GPU. Writes through
     * {@link #update} show here, since the array and the buffer are one memory.
     */
    ByteBuffer hostRows() { return backing; }

    /** {@link #hostRows()}'s address as a one-chunk table for {@link RawMemory#copyRows}, null when not raw-accessible. */
    long[] hostAddress() { return hostAddress; }
    long bytes() { return (long) rows * deviceRowBytes; }

    /** Rows {@code slots} of the tier, as a new array of {@code target}'s. */
    NDArray gather(NDManager target, NDArray slots) {
        NDArray out = slots.getNDArrayInternal().embedding(slots, table, SparseFormat.DENSE).singletonOrThrow();
        out.attach(target);
        return out;
    }

    /** Overwrites rows {@code slots} (distinct) with {@code values} {@code [n, dim]}. */
    void update(NDArray slots, NDArray values) {
        table.set(new NDIndex("{}", slots), values);
    }

    @Override public void close() {
        manager.close();
        if (backing != null) HostMemory.free(backing);
    }
}
