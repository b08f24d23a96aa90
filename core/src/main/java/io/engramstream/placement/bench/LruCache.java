package io.engramstream.placement.bench;

/**
 * A least-recently-used cache of row keys with fixed capacity: a hash index plus an intrusive
 * doubly linked list over slot arrays. {@link #access} allocates nothing.
 */
public final class LruCache {
    private final int capacity;
    private final LongIntMap index;
    private final long[] keys;
    private final int[] prev;
    private final int[] next;
    private int head = -1, tail = -1, size;

    public LruCache(int capacity) {
        this.capacity = capacity;
        index = new LongIntMap(Math.max(capacity, 1));
        keys = new long[Math.max(capacity, 1)];
        prev = new int[keys.length];
        next = new int[keys.length];
    }

    /** Looks {@code key} up; returns whether it was cached, and caches it (evicting the LRU row when full). */
    public boolean access(long key) {
        if (capacity == 0) return false;
        int s = index.get(key);
        if (s >= 0) {
            if (s != head) { unlink(s); pushFront(s); }
            return true;
        }
        if (size < capacity) {
            s = size++;
        } else {
            s = tail;
            unlink(s);
            index.remove(keys[s]);
        }
        keys[s] = key;
        index.put(key, s);
        pushFront(s);
        return false;
    }

    public int size() { return size; }

    private void unlink(int s) {
        int p = prev[s], n = next[s];
        if (p >= 0) next[p] = n; else head = n;
        if (n >= 0) prev[n] = p; else tail = p;
    }

    private void pushFront(int s) {
        prev[s] = -1;
        next[s] = head;
        if (head >= 0) prev[head] = s;
        head = s;
        if (tail < 0) tail = s;
    }
}
