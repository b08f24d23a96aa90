package io.engramstream.placement.bench;

/** Zipf traffic that drifts after every window: {@code swapsPerWindow} popularity swaps among the top ranks. */
public final class ZipfSource implements LookupSource {
    private final ZipfTraffic traffic;
    private final int swapsPerWindow;
    private final int driftRanks;
    private final String description;

    public ZipfSource(ZipfTraffic traffic, int swapsPerWindow, int driftRanks, String description) {
        this.traffic = traffic;
        this.swapsPerWindow = swapsPerWindow;
        this.driftRanks = driftRanks;
        this.description = description;
    }

    @Override public int next(long[] out, int n) { traffic.next(out, n); return n; }

    @Override public void endOfWindow(int window) { traffic.drift(swapsPerWindow, driftRanks); }

    @Override public long[] trueTop(int k) {
        long[] top = new long[Math.min(k, traffic.distinctRows())];
        for (int r = 0; r < top.length; r++) top[r] = traffic.rowOfRank(r);
        return top;
    }

    @Override public String describe() { return description; }
}
