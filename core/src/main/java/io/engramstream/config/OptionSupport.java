package io.engramstream.config;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Bridges {@link EngramOption}s to picocli: each option becomes {@code --key} with its
 * description and default in {@code --help}, and the parsed values come back as an
 * {@link EngramConfig}. Commands call {@link #register} from a {@code @Spec}-injected setter
 * or their constructor.
 */
public final class OptionSupport {
    private OptionSupport() {}

    public static void register(CommandSpec spec, List<? extends EngramOption<?>> options) {
        for (EngramOption<?> o : options) {
            spec.addOption(OptionSpec.builder("--" + o.key())
                    .paramLabel(label(o))
                    .type(String.class)
                    .description(o.description() + " (default: " + o.defaultText() + ")")
                    .build());
        }
    }

    /** Reads the values the user gave for {@code options}; unspecified ones keep their defaults. */
    public static EngramConfig read(CommandSpec spec, List<? extends EngramOption<?>> options) {
        EngramConfig config = new EngramConfig();
        for (EngramOption<?> o : options) {
            OptionSpec os = spec.findOption("--" + o.key());
            if (os != null && os.getValue() != null) {
                config.setText(o, (String) os.getValue());
            }
        }
        return config;
    }

    private static String label(EngramOption<?> o) {
        Class<?> t = o.type();
        if (t == Integer.class || t == Long.class) return "<n>";
        if (t == Double.class) return "<x>";
        if (t == Boolean.class) return "<true|false>";
        if (t == java.time.Duration.class) return "<duration>";
        return "<value>";
    }
}
