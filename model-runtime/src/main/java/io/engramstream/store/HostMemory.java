package io.engramstream.store;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Off-heap buffers for the tiers, the row index and lookup staging, on 2 MiB pages where Linux
 * allows it.
 *
 * <p>Why: every row lookup is a random access. With 4 KiB pages it also misses the TLB (the demo
 * bench's 640 MB of hot and warm rows are 160 k pages; a core's TLB holds about 3 k), so each row
 * costs a page walk on top of its cache miss. With 2 MiB pages 320 TLB entries cover the same
 * rows. Measured on the session machine: random 128-byte row copies out of 640 MB took 42 ns per
 * row on 2 MiB pages against 58-81 ns from {@code ByteBuffer.allocateDirect} (4 KiB pages).
 *
 * <p>How: a huge-page buffer is an anonymous private mapping, 2 MiB aligned, advised
 * {@code MADV_HUGEPAGE} (which is what transparent huge pages need in the usual {@code madvise}
 * mode) before anything touches it, so its pages fault in as 2 MiB pages. The kernel zero-fills
 * them, as {@code allocateDirect} does. It is unmapped by {@link #free} or, failing that, when the
 * buffer becomes unreachable (a {@link Cleaner}: views of a buffer keep it reachable), the same
 * lifetime rules as a direct buffer. These mappings are not counted against
 * {@code -XX:MaxDirectMemorySize}. Anything else (small buffers, huge pages off, not Linux, no
 * native access) gets {@code allocateDirect}.
 */
public final class HostMemory {
    private static final Logger LOG = LoggerFactory.getLogger(HostMemory.class);
    static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;   // same values on x86-64 and aarch64 Linux
    private static final int MADV_HUGEPAGE = 14;
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "engram-host-memory-cleaner");
        t.setDaemon(true);
        return t;
    });
    /** Live huge-page mappings by buffer address: what {@link #free} unmaps. */
    private static final ConcurrentHashMap<Long, Cleaner.Cleanable> MAPPINGS = new ConcurrentHashMap<>();

    /** The C library calls we need (JNA, which DJL already brings). */
    interface LibC extends Library {
        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);
        int munmap(Pointer addr, long length);
        int madvise(Pointer addr, long length, int advice);
    }

    private static final LibC LIBC = loadLibC();

    private HostMemory() {}

    private static LibC loadLibC() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) return null;
        try {
            return Native.load("c", LibC.class);
        } catch (Throwable e) {   // UnsatisfiedLinkError and friends: fall back to allocateDirect
            LOG.info("huge pages unavailable ({}); using 4 KiB pages", e.toString());
            return null;
        }
    }

    /** Whether {@link #allocate} can hand out huge-page buffers on this machine. */
    public static boolean hugePagesSupported() { return LIBC != null; }

    /**
     * A zeroed little-endian direct buffer of {@code bytes} bytes. With {@code hugePages} (and 2 MiB
     * or more, on Linux) it is 2 MiB aligned on huge pages; otherwise an {@code allocateDirect}
     * buffer.
     */
    static ByteBuffer allocate(long bytes, boolean hugePages) {
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("buffer of " + bytes + " bytes exceeds 2 GiB");
        if (!hugePages || LIBC == null || bytes < HUGE_PAGE) return RowCopy.allocate(bytes);
        long length = (bytes + HUGE_PAGE - 1) & -HUGE_PAGE;
        long mapped = length + HUGE_PAGE;   // room to align the start
        Pointer p = LIBC.mmap(null, mapped, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
        long base = Pointer.nativeValue(p);
        if (base == -1L || base == 0L) return RowCopy.allocate(bytes);   // MAP_FAILED: no address space, fall back
        long aligned = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
        // give back the unaligned head and tail now, so the mapping is exactly [aligned, aligned + length)
        if (aligned > base) LIBC.munmap(new Pointer(base), aligned - base);
        long tail = base + mapped - (aligned + length);
        if (tail > 0) LIBC.munmap(new Pointer(aligned + length), tail);
        Pointer at = new Pointer(aligned);
        LIBC.madvise(at, length, MADV_HUGEPAGE);   // a failure (THP off) leaves 4 KiB pages: still correct
        ByteBuffer b = at.getByteBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
        Cleaner.Cleanable c = CLEANER.register(b, new Unmap(aligned, length));
        MAPPINGS.put(aligned, c);
        return b;
    }

    /**
     * Frees a buffer from {@link #allocate} now (a huge-page mapping is unmapped, a direct buffer
     * freed). Only when nothing can touch it again: a later access would crash the JVM.
     */
    static void free(ByteBuffer b) {
        if (b == null || !b.isDirect()) return;
        Cleaner.Cleanable c = MAPPINGS.remove(RawMemory.address(b));
        if (c != null) c.clean(); else DirectMemory.free(b);
    }

    /** Whether {@code b} (or a view starting at its first byte) is a live huge-page mapping of {@link #allocate}. */
    static boolean isMapped(ByteBuffer b) {
        return b.isDirect() && isMappedAt(RawMemory.address(b));
    }

    static boolean isMappedAt(long address) { return MAPPINGS.containsKey(address); }

    /** Huge-page mappings alive now. */
    static int liveMappings() { return MAPPINGS.size(); }

    /** Bytes of this process's memory on transparent huge pages (AnonHugePages), -1 when unknown. */
    public static long processHugePageBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or no procfs
        }
        return -1;
    }

    /** Unmaps one mapping; must not reference the buffer (or it would never become unreachable). */
    private static final class Unmap implements Runnable {
        private final long address, length;
        Unmap(long address, long length) { this.address = address; this.length = length; }
        @Override public void run() {
            MAPPINGS.remove(address);
            LIBC.munmap(new Pointer(address), length);
        }
    }
}
