package io.engramstream.ops.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Numbered progress steps with their wall time, printed as they start and end. */
final class DemoSteps {
    record Timing(String name, double seconds) {}

    private final PrintStream out;
    private final int total;
    private final List<Timing> timings = new ArrayList<>();
    private int n;
    private String current;
    private long start;

    DemoSteps(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void begin(String name) {
        n++;
        current = name;
        start = System.nanoTime();
        out.printf(Locale.ROOT, "%n[%d/%d] %s%n", n, total, name);
        out.flush();
    }

    void end(String result) {
        double s = (System.nanoTime() - start) / 1e9;
        timings.add(new Timing(current, s));
        out.printf(Locale.ROOT, "      %s (%.1f s)%n", result, s);
        out.flush();
    }

    List<Timing> timings() { return timings; }
}
