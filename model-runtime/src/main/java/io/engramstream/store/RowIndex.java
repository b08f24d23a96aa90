package io.engramstream.store;

import io.engramstream.spec.RowKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Which tier slot holds a row, for one placement: per 64 rows of the table (global row order) one
 * 32-byte record {@code [hot bits, warm bits, hot rank, warm rank, unused]}, the rank being the
 * number of the tier's rows before the record. A row's slot is its rank among the tier's rows,
 * which is its index in the placement's sorted key list, so {@code slot = rank + bitCount(bits &
 * below)}.
 *
 * <p>Why this shape: every row lookup probes this, and a hash map of a few million cached rows is
 * hundreds of MB, one DRAM miss per probe. The records cost 0.5 bytes per table row (10.3 MB for
 * the 20.7M-row demo table, whatever the placement), and everything one probe needs is in one
 * record in one cache line (records are 64-byte aligned in direct memory, on 2 MiB pages where
 * the OS allows, so the probe rarely misses the TLB as well): one miss at most,
 * where separate bitmap and rank arrays per tier cost up to four. {@link #resolve} probes without
 * branching on the loaded data, so a CPU overlaps the misses of many keys. Read-only after
 * construction; safe for any number of readers. Never freed explicitly (readers such as
 * {@code tierOf} do not hold the placement): the GC frees the buffers.
 */
final class RowIndex {
    static final int MISSING = Integer.MIN_VALUE;
    private static final int RECORD_SHIFT = 5;                 // 32 bytes per 64 rows
    private static final int CHUNK_RECORDS_SHIFT = 25;         // 2^25 records = 1 GiB per buffer
    private static final int CHUNK_MASK = (1 << CHUNK_RECORDS_SHIFT) - 1;
    // packed resolve codes: tier in the top two bits (0 hot, 1 warm, 2 cold), slot or global row below
    private static final long TIER_WARM = 1L << 62, TIER_COLD = 2L << 62, PAYLOAD = (1L << 62) - 1;

    private final long[] layerBase;
    private final long[] rowsPerLayer;
    /** Null when the placement has no hot and no warm rows (every row is cold). */
    private final ByteBuffer[] chunks;
    /** Each chunk's address, for the probe loop's raw loads ({@link RawMemory}); null when not available. */
    private final long[] addresses;
    private final long bytes;
    /** Keys resolved per block: pass 1 then finds the block's records in L1 (64 records of 64 bytes: 4 KiB). */
    private static final int BLOCK = Integer.getInteger("engram.store.resolveBlock", 64);
    /** Where the touch pass leaves its sum, so the JIT keeps its loads. */
    static long sink;
    /** Whether lookups touch records and rows before using them (on by default; a switch for measurements). */
    static volatile boolean touchFirst = !Boolean.getBoolean("engram.store.noTouch");
    /** Whether probes use raw loads when available (tests turn it off to check the buffer path). */
    static volatile boolean rawLoads = true;

    /**
     * @param hotKeys sorted, distinct; slot i holds hotKeys[i] (same for warm)
     * @param hugePages records on 2 MiB pages where possible ({@link HostMemory})
     */
    RowIndex(StoreLayout layout, long[] hotKeys, long[] warmKeys, boolean hugePages) {
        int layers = layout.numLayers();
        layerBase = new long[layers + 1];
        rowsPerLayer = new long[layers];
        for (int l = 0; l <= layers; l++) layerBase[l] = l < layers ? layout.layerBase(l) : layout.totalRows();
        for (int l = 0; l < layers; l++) rowsPerLayer[l] = layout.rowsPerLayer(l);
        if (hotKeys.length == 0 && warmKeys.length == 0) {
            chunks = null;
            addresses = null;
            bytes = 0;
            return;
        }
        long records = (layout.totalRows() + 63) >>> 6;
        int n = (int) ((records + CHUNK_MASK) >>> CHUNK_RECORDS_SHIFT);
        chunks = new ByteBuffer[n];
        for (int c = 0; c < n; c++) {
            long recs = Math.min(1L << CHUNK_RECORDS_SHIFT, records - ((long) c << CHUNK_RECORDS_SHIFT));
            // alignedSlice rounds both ends to the unit: allocate a unit more than needed, then cut to size
            chunks[c] = HostMemory.allocate((recs << RECORD_SHIFT) + 128, hugePages).alignedSlice(64)
                    .limit((int) (recs << RECORD_SHIFT)).slice().order(ByteOrder.nativeOrder());
        }
        bytes = records << RECORD_SHIFT;
        if (RawMemory.available()) {
            addresses = new long[n];
            for (int c = 0; c < n; c++) addresses[c] = RawMemory.address(chunks[c]);
        } else {
            addresses = null;
        }
        fill(hotKeys, 0, 16);
        fill(warmKeys, 8, 20);
    }

    /** Sets the bits of {@code keys} in the word at {@code bitsAt} of each record, then the running counts at {@code rankAt}. */
    private void fill(long[] keys, int bitsAt, int rankAt) {
        long prev = -1;
        for (long k : keys) {
            long g = global(k);
            if (g <= prev) throw new IllegalArgumentException("placement keys must be sorted and distinct");
            ByteBuffer b = chunk(g);
            int off = offset(g) + bitsAt;
            b.putLong(off, b.getLong(off) | 1L << g);
            prev = g;
        }
        int acc = 0;
        for (ByteBuffer b : chunks) {
            for (int off = 0; off < b.capacity(); off += 1 << RECORD_SHIFT) {
                b.putInt(off + rankAt, acc);
                acc += Long.bitCount(b.getLong(off + bitsAt));
            }
        }
    }

    private ByteBuffer chunk(long g) { return chunks[(int) (g >>> (6 + CHUNK_RECORDS_SHIFT))]; }
    private static int offset(long g) { return ((int) (g >>> 6) & CHUNK_MASK) << RECORD_SHIFT; }

    private long global(long key) {
        return layerBase[RowKey.layerIndex(key)] + RowKey.row(key);
    }

    /** Hot slot ({@code >= 0}), warm code ({@code -(slot + 1)}) or {@link #MISSING} (cold). */
    int get(long key) {
        if (chunks == null) return MISSING;
        long g = global(key);
        ByteBuffer b = chunk(g);
        int off = offset(g);
        long bit = 1L << g;
        long hot = b.getLong(off);
        if ((hot & bit) != 0) return b.getInt(off + 16) + Long.bitCount(hot & (bit - 1));
        long warm = b.getLong(off + 8);
        if ((warm & bit) != 0) return -(b.getInt(off + 20) + Long.bitCount(warm & (bit - 1)) + 1);
        return MISSING;
    }

    /**
     * Where the rows of {@code keys[from..to)} (all of layer {@code layer}) are: appends, per tier,
     * the position {@code i} and the slot (hot, warm) or global row (cold) to that tier's lists,
     * which start at index {@code from}, and writes the three list lengths to
     * {@code counts[countsAt..countsAt+3)}. Hot path: no allocation and no branch on loaded data
     * (every list is written at every step and only the matching length advances; an entry at
     * index {@code from + h} is written at step {@code i >= from + h}, so lists as long as the keys
     * suffice and disjoint key ranges use disjoint list ranges), so the record misses of successive
     * keys overlap.
     *
     * @throws IllegalArgumentException if a key is not a row of {@code layer}
     */
    void resolve(int layer, long[] keys, int from, int to, int[] hotPos, long[] hotSlot, int[] warmPos, long[] warmSlot,
                 int[] coldPos, long[] coldRow, int[] counts, int countsAt) {
        long base = layerBase[layer], rows = rowsPerLayer[layer];
        long outside = 0;
        int h = from, w = from, c = from;
        if (chunks == null) {
            for (int i = from; i < to; i++) {
                long key = keys[i];
                long row = RowKey.row(key);
                outside |= (rows - 1 - row) | (layer ^ RowKey.layerIndex(key)) | -(layer ^ RowKey.layerIndex(key));
                coldPos[i] = i;
                coldRow[i] = base + row;
            }
            c = to;
        } else if (addresses != null && rawLoads) {
            // blocks of keys small enough that pass 1 finds the records pass 0 touched in L1
            long[] at = addresses;
            for (int b0 = from; b0 < to; b0 += BLOCK) {
                int b1 = Math.min(to, b0 + BLOCK);
                // pass 0: touch every key's record. A loop this short keeps many more misses in
                // flight than the longer pass 1 (Java has no prefetch instruction)
                long touched = 0;
                if (touchFirst) for (int i = b0; i < b1; i++) {
                    long g = base + Math.min(RowKey.row(keys[i]), rows - 1);
                    touched += RawMemory.getLong(at[(int) (g >>> (6 + CHUNK_RECORDS_SHIFT))] + ((g >>> 6 & CHUNK_MASK) << RECORD_SHIFT));
                }
                sink = touched;
                // pass 1: each key's tier and slot, packed into coldRow[i] (tier in the top two bits).
                // Stores go to known addresses and nothing depends on the previous key's load, so the
                // record misses of many keys are in flight at once.
                for (int i = b0; i < b1; i++) {
                    long key = keys[i];
                    long row = RowKey.row(key);
                    int li = RowKey.layerIndex(key);
                    outside |= (rows - 1 - row) | (layer ^ li) | -(layer ^ li);
                    long g = base + Math.min(row, rows - 1);   // stays inside the table even for a bad key (reported below)
                    long rec = at[(int) (g >>> (6 + CHUNK_RECORDS_SHIFT))] + ((g >>> 6 & CHUNK_MASK) << RECORD_SHIFT);
                    coldRow[i] = code(g, RawMemory.getLong(rec), RawMemory.getLong(rec + 8), RawMemory.getLong(rec + 16));
                }
                // pass 2: the packed codes (in L1 now) into the three lists; list index <= i, so each
                // code is read before its slot in coldRow is reused
                for (int i = b0; i < b1; i++) {
                    long v = coldRow[i];
                    int tier = (int) (v >>> 62);
                    int isHot = (tier - 1) >>> 31, isWarm = tier & 1, isCold = tier >>> 1;   // tier 0, 1 or 2, no branch
                    int slot = (int) v;
                    hotPos[h] = i;
                    hotSlot[h] = slot;
                    h += isHot;
                    warmPos[w] = i;
                    warmSlot[w] = slot;
                    w += isWarm;
                    coldPos[c] = i;
                    coldRow[c] = v & PAYLOAD;
                    c += isCold;
                }
            }
        } else {
            // the same through the buffers' checked accessors (no raw memory access on this JVM)
            ByteBuffer[] cs = chunks;
            for (int i = from; i < to; i++) {
                long key = keys[i];
                long row = RowKey.row(key);
                int li = RowKey.layerIndex(key);
                outside |= (rows - 1 - row) | (layer ^ li) | -(layer ^ li);
                long g = base + Math.min(row, rows - 1);
                ByteBuffer b = cs[(int) (g >>> (6 + CHUNK_RECORDS_SHIFT))];
                int off = ((int) (g >>> 6) & CHUNK_MASK) << RECORD_SHIFT;
                long v = code(g, b.getLong(off), b.getLong(off + 8), b.getLong(off + 16));
                int tier = (int) (v >>> 62);
                int slot = (int) v;
                if (tier == 0) { hotPos[h] = i; hotSlot[h++] = slot; }
                else if (tier == 1) { warmPos[w] = i; warmSlot[w++] = slot; }
                else { coldPos[c] = i; coldRow[c++] = v & PAYLOAD; }
            }
        }
        if (outside < 0) {
            for (int i = from; i < to; i++) {
                if (RowKey.layerIndex(keys[i]) != layer || RowKey.row(keys[i]) >= rows) {
                    throw new IllegalArgumentException("row " + RowKey.toString(keys[i]) + " is outside layer " + layer + " (" + rows + " rows)");
                }
            }
        }
        counts[countsAt] = h - from;
        counts[countsAt + 1] = w - from;
        counts[countsAt + 2] = c - from;
    }

    /**
     * The packed tier code of global row {@code g} from its record's words: the hot slot, or
     * {@code TIER_WARM | warm slot}, or {@code TIER_COLD | g}. Branch-free, so the CPU need not
     * wait for the record to decide what to do next.
     */
    private static long code(long g, long hotBits, long warmBits, long ranks) {
        int s = (int) (g & 63);
        long below = (1L << s) - 1;
        long isHot = (hotBits >>> s) & 1;
        long isWarm = (warmBits >>> s) & 1 & ~isHot;
        long isCold = 1 - isHot - isWarm;
        long hotSlotOf = (int) ranks + Long.bitCount(hotBits & below);
        long warmSlotOf = (ranks >>> 32) + Long.bitCount(warmBits & below);
        return isHot * hotSlotOf + isWarm * (TIER_WARM | warmSlotOf) + isCold * (TIER_COLD | g);
    }

    long bytes() { return bytes; }

    /** Whether the records are a huge-page mapping of {@link HostMemory} (for tests). */
    boolean onHugePageMapping() { return chunks != null && HostMemory.isMapped(chunks[0]); }

    /** The probe position of a key in a power-of-two table (shared by the deduper). */
    static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
