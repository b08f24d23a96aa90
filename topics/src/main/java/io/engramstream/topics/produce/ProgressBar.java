package io.engramstream.topics.produce;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr (redrawn at most every 250 ms with a carriage return;
 * plain lines every 5 s when stderr is not a terminal), showing input bytes done, records,
 * documents and the rate.
 */
public final class ProgressBar {
    private final PrintStream err;
    private final long totalBytes;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastDraw;

    public ProgressBar(PrintStream err, long totalBytes) {
        this.err = err;
        this.totalBytes = Math.max(1, totalBytes);
        this.terminal = System.console() != null;
    }

    public void update(long bytes, long documents, long records, boolean force) {
        long now = System.nanoTime();
        long every = terminal ? 250_000_000L : 5_000_000_000L;
        if (!force && now - lastDraw < every) return;
        lastDraw = now;
        double frac = Math.min(1.0, bytes / (double) totalBytes);
        int width = 30;
        int filled = (int) Math.round(frac * width);
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        String line = String.format(Locale.ROOT, "[%s%s] %5.1f%%  %,d docs  %,d records  %,.0f rec/s  %s",
                "#".repeat(filled), " ".repeat(width - filled), 100 * frac, documents, records, records / secs,
                mib(bytes) + "/" + mib(totalBytes));
        if (terminal) {
            err.print("\r" + line);
        } else {
            err.println(line);
        }
        err.flush();
    }

    public void done() {
        if (terminal) err.println();
        err.flush();
    }

    public double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String mib(long b) {
        return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }
}
