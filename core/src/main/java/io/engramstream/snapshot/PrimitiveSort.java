package io.engramstream.snapshot;

/**
 * Sorts a {@code long[]} ascending and carries an {@code int[]} along, without boxing: an
 * introsort-free quicksort (median of three, insertion sort for small ranges) that is enough for
 * the already mostly ordered key arrays placement produces.
 */
public final class PrimitiveSort {
    private PrimitiveSort() {}

    public static void sort(long[] a, int[] b, int from, int to) {
        while (to - from > 24) {
            int mid = (from + to) >>> 1;
            long x = a[from], y = a[mid], z = a[to - 1];
            long pivot = x < y ? (y < z ? y : Math.max(x, z)) : (x < z ? x : Math.max(y, z));
            int i = from, j = to - 1;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { swap(a, b, i, j); i++; j--; }
            }
            // Recurse into the smaller side, loop on the larger: O(log n) stack.
            if (j - from < to - i) { sort(a, b, from, j + 1); from = i; }
            else { sort(a, b, i, to); to = j + 1; }
        }
        for (int i = from + 1; i < to; i++) {
            long v = a[i]; int w = b[i]; int j = i - 1;
            while (j >= from && a[j] > v) { a[j + 1] = a[j]; b[j + 1] = b[j]; j--; }
            a[j + 1] = v; b[j + 1] = w;
        }
    }

    private static void swap(long[] a, int[] b, int i, int j) {
        long t = a[i]; a[i] = a[j]; a[j] = t;
        int u = b[i]; b[i] = b[j]; b[j] = u;
    }
}
