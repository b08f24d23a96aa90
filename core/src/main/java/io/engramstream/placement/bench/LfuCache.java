package io.engramstream.placement.bench;

/**
 * A least-frequently-used cache of row keys with fixed capacity: counts are kept for cached rows
 * only, the victim is the row with the lowest count (the least recently used among equals), found
 * with an indexed binary min-heap. {@link #access} allocates nothing.
 */
public final class LfuCache {
    private final int capacity;
    private final LongIntMap position;
    private final long[] keys;
    private final long[] freq;
    private final long[] stamp;
    private int size;
    private long clock;

    public LfuCache(int capacity) {
        this.capacity = capacity;
        int c = Math.max(capacity, 1);
        position = new LongIntMap(c);
        keys = new long[c];
        freq = new long[c];
        stamp = new long[c];
    }

    public boolean access(long key) {
        if (capacity == 0) return false;
        clock++;
        int i = position.get(key);
        if (i >= 0) {
            freq[i]++;
            stamp[i] = clock;
            siftDown(i);
            return true;
        }
        if (size < capacity) {
            i = size++;
        } else {
            i = 0;
            position.remove(keys[0]);
        }
        keys[i] = key;
        freq[i] = 1;
        stamp[i] = clock;
        position.put(key, i);
        if (i == 0) siftDown(0); else siftUp(i);
        return false;
    }

    private boolean less(int a, int b) { return freq[a] < freq[b] || (freq[a] == freq[b] && stamp[a] < stamp[b]); }

    private void siftUp(int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!less(i, p)) break;
            swap(i, p);
            i = p;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && less(l, m)) m = l;
            if (r < size && less(r, m)) m = r;
            if (m == i) return;
            swap(i, m);
            i = m;
        }
    }

    private void swap(int a, int b) {
        long k = keys[a]; keys[a] = keys[b]; keys[b] = k;
        long f = freq[a]; freq[a] = freq[b]; freq[b] = f;
        long s = stamp[a]; stamp[a] = stamp[b]; stamp[b] = s;
        position.put(keys[a], a);
        position.put(keys[b], b);
    }
}
