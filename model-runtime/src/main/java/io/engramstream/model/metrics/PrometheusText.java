package io.engramstream.model.metrics;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): one {@code # HELP} and
 * {@code # TYPE} line per metric family, then its samples. Label values are escaped as the
 * format requires (backslash, double quote, newline).
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder sb = new StringBuilder();
    private final Set<String> declared = new HashSet<>();

    /** A counter sample ({@code name} should end in {@code _total}); labels as alternating name, value. */
    public PrometheusText counter(String name, String help, double value, String... labels) {
        return sample(name, "counter", help, value, labels);
    }

    public PrometheusText gauge(String name, String help, double value, String... labels) {
        return sample(name, "gauge", help, value, labels);
    }

    private PrometheusText sample(String name, String type, String help, double value, String... labels) {
        if (labels.length % 2 != 0) throw new IllegalArgumentException("labels come in name/value pairs");
        if (declared.add(name)) {
            sb.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }
        sb.append(name);
        if (labels.length > 0) {
            sb.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) sb.append(',');
                sb.append(labels[i]).append("=\"")
                        .append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            sb.append('}');
        }
        sb.append(' ').append(format(value)).append('\n');
        return this;
    }

    static String format(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.9g", v);
    }

    @Override public String toString() { return sb.toString(); }
}
