package io.engramstream.model.memory;

/**
 * Which tier answered the row lookups of a run (counted before deduplication), and how many rows
 * were written back. {@link #hotHitRate()} is the share of lookups served from the hot tier.
 */
public record TierCounts(long hotServed, long warmServed, long coldServed, long rowsWritten) {
    public long lookups() { return hotServed + warmServed + coldServed; }

    public double hotHitRate() { return lookups() == 0 ? 0 : (double) hotServed / lookups(); }

    public String describe() {
        long n = Math.max(1, lookups());
        return String.format(java.util.Locale.ROOT, "row lookups %,d: hot %.1f%%, warm %.1f%%, cold %.1f%%; rows written %,d",
                lookups(), 100.0 * hotServed / n, 100.0 * warmServed / n, 100.0 * coldServed / n, rowsWritten);
    }
}
