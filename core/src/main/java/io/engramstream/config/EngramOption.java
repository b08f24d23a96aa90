package io.engramstream.config;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * A typed configuration option with a default and a one-line description, in the spirit of
 * Flink's {@code ConfigOption}. Commands register options with {@link OptionSupport} so that
 * {@code --help} and the generated configuration reference come from the same declaration.
 *
 * @param <T> the value type
 */
public final class EngramOption<T> {
    private final String key;
    private final Class<T> type;
    private final T defaultValue;
    private final String description;
    private final Function<String, T> parser;

    private EngramOption(String key, Class<T> type, T defaultValue, String description, Function<String, T> parser) {
        this.key = Objects.requireNonNull(key);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description);
        this.parser = Objects.requireNonNull(parser);
    }

    public static EngramOption<String> string(String key, String defaultValue, String description) {
        return new EngramOption<>(key, String.class, defaultValue, description, s -> s);
    }

    public static EngramOption<Integer> integer(String key, Integer defaultValue, String description) {
        return new EngramOption<>(key, Integer.class, defaultValue, description, s -> parseNumber(key, s, Integer::valueOf));
    }

    public static EngramOption<Long> longInt(String key, Long defaultValue, String description) {
        return new EngramOption<>(key, Long.class, defaultValue, description, s -> parseNumber(key, s, EngramOption::parseLongWithSuffix));
    }

    public static EngramOption<Double> real(String key, Double defaultValue, String description) {
        return new EngramOption<>(key, Double.class, defaultValue, description, s -> parseNumber(key, s, Double::valueOf));
    }

    public static EngramOption<Boolean> bool(String key, Boolean defaultValue, String description) {
        return new EngramOption<>(key, Boolean.class, defaultValue, description, s -> {
            if (s.equalsIgnoreCase("true")) return true;
            if (s.equalsIgnoreCase("false")) return false;
            throw new IllegalArgumentException("option " + key + " expects true or false, got '" + s + "'");
        });
    }

    /** Durations as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or ISO-8601 ({@code PT30S}). */
    public static EngramOption<Duration> duration(String key, Duration defaultValue, String description) {
        return new EngramOption<>(key, Duration.class, defaultValue, description, s -> parseDuration(key, s));
    }

    public String key() { return key; }
    public Class<T> type() { return type; }
    public T defaultValue() { return defaultValue; }
    public String description() { return description; }

    /** Parses a textual value, failing with a one-line message that names the option. */
    public T parse(String text) { return parser.apply(text.trim()); }

    /** The default rendered the way a user would type it. */
    public String defaultText() {
        if (defaultValue == null) return "(none)";
        if (defaultValue instanceof Duration d) return formatDuration(d);
        return String.valueOf(defaultValue);
    }

    @Override public String toString() { return key; }

    private static <N> N parseNumber(String key, String s, Function<String, N> f) {
        try {
            return f.apply(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " expects a number, got '" + s + "'");
        }
    }

    /** Accepts 10k / 5M / 2G suffixes (powers of 1000) for counts like tokens or rows. */
    static long parseLongWithSuffix(String s) {
        char last = Character.toLowerCase(s.charAt(s.length() - 1));
        long mul = switch (last) { case 'k' -> 1_000L; case 'm' -> 1_000_000L; case 'g' -> 1_000_000_000L; default -> 1L; };
        return Long.parseLong(mul == 1 ? s : s.substring(0, s.length() - 1)) * mul;
    }

    static Duration parseDuration(String key, String s) {
        try {
            if (s.startsWith("P") || s.startsWith("p")) return Duration.parse(s);
            String lower = s.toLowerCase();
            if (lower.endsWith("ms")) return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
            long n = Long.parseLong(lower.substring(0, lower.length() - 1));
            return switch (lower.charAt(lower.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("option " + key + " expects a duration like 500ms, 30s, 5m or 2h, got '" + s + "'");
        }
    }

    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
