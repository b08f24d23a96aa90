package io.engramstream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Values for a set of {@link EngramOption}s; an option without a value reads as its default. */
public final class EngramConfig {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public <T> T get(EngramOption<T> option) {
        Object v = values.get(option.key());
        return v == null ? option.defaultValue() : option.type().cast(v);
    }

    public <T> EngramConfig set(EngramOption<T> option, T value) {
        values.put(option.key(), value);
        return this;
    }

    /** Sets an option from text, e.g. from a command line or a properties file. */
    public <T> EngramConfig setText(EngramOption<T> option, String text) {
        return set(option, option.parse(text));
    }

    public boolean contains(EngramOption<?> option) { return values.containsKey(option.key()); }

    /** The explicitly set values, keyed by option key (for logging and for shipping to a cluster). */
    public Map<String, Object> asMap() { return Collections.unmodifiableMap(values); }
}
