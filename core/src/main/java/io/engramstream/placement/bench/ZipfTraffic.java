package io.engramstream.placement.bench;

import io.engramstream.spec.RowKey;
import java.util.SplittableRandom;

/**
 * Synthetic lookup traffic over a table: Zipf-distributed popularity over a permutation of the
 * rows, with drift (each {@link #drift} swaps the popularity of random pairs of ranks) and
 * switches (a whole new permutation). Deterministic for a seed.
 */
public final class ZipfTraffic {
    private final ZipfSampler zipf;
    private final long[] rowOfRank;
    private final SplittableRandom rnd;
    private final int numLayers;
    private final long rowsPerLayer;

    /** Keys are spread over {@code numLayers} layers of {@code rowsPerLayer} rows; {@code distinctRows} rows get traffic. */
    public ZipfTraffic(int distinctRows, double alpha, int numLayers, long rowsPerLayer, long seed) {
        if ((long) distinctRows > numLayers * rowsPerLayer) throw new IllegalArgumentException("more distinct rows than the table has");
        this.zipf = new ZipfSampler(distinctRows, alpha);
        this.rnd = new SplittableRandom(seed);
        this.numLayers = numLayers;
        this.rowsPerLayer = rowsPerLayer;
        this.rowOfRank = new long[distinctRows];
        reshuffle();
    }

    /** A new random popularity order: the hot set changes completely. */
    public void reshuffle() {
        long total = numLayers * rowsPerLayer;
        // Distinct random rows by rejection (setup only, not per lookup).
        java.util.HashSet<Long> used = new java.util.HashSet<>();
        for (int r = 0; r < rowOfRank.length; r++) {
            long flat;
            do { flat = rnd.nextLong(total); } while (!used.add(flat));
            rowOfRank[r] = RowKey.of((int) (flat / rowsPerLayer), flat % rowsPerLayer);
        }
    }

    /** Swaps the popularity of {@code swaps} random pairs of ranks among the first {@code topRanks}. */
    public void drift(int swaps, int topRanks) {
        int n = Math.min(topRanks, rowOfRank.length);
        for (int i = 0; i < swaps; i++) {
            int a = rnd.nextInt(n), b = rnd.nextInt(rowOfRank.length);
            long t = rowOfRank[a]; rowOfRank[a] = rowOfRank[b]; rowOfRank[b] = t;
        }
    }

    /** The next lookup's row key. */
    public long next() { return rowOfRank[zipf.next(rnd)]; }

    /** Fills {@code out} with lookups. */
    public void next(long[] out, int n) { for (int i = 0; i < n; i++) out[i] = next(); }

    /** The row of a popularity rank (0 = most popular). */
    public long rowOfRank(int rank) { return rowOfRank[rank]; }

    public int distinctRows() { return rowOfRank.length; }
}
