package io.engramstream.stats.input;

import io.engramstream.cli.UserError;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where the job reads: files (a file or a directory, in one of the {@link DocumentFormat}s or
 * {@link TokenFiles}), a generated Zipf token stream ({@code zipf:TOKENS[,s=EXPONENT][,seed=N][,chunk=N]}),
 * or Kafka topics.
 */
public record JobInput(
        Kind kind,
        List<String> paths,
        String format,
        int repeat,
        long zipfTokens,
        double zipfExponent,
        long zipfSeed,
        int zipfChunk,
        double recordsPerSecond,
        String bootstrap,
        List<String> topics,
        String groupId,
        boolean kafkaBounded,
        java.util.Map<String, String> kafkaProperties) implements Serializable {

    public enum Kind { FILES, ZIPF, KAFKA }

    public boolean bounded() { return kind != Kind.KAFKA || kafkaBounded; }

    /** {@code europarl} or no argument = the Europarl sample; {@code zipf:...}; else a path. */
    public static JobInput parse(String input, String format, int repeat) {
        if (input == null || input.isBlank() || input.equals("europarl")) {
            return files(List.of(EuroparlCorpus.file().toString()), "europarl", repeat);
        }
        if (input.startsWith("zipf:")) return zipf(input.substring(5));
        Path p = Path.of(input);
        if (!Files.exists(p)) throw new UserError("no such file or directory: " + input);
        return files(List.of(p.toAbsolutePath().toString()), format, repeat);
    }

    public static JobInput files(List<String> paths, String format, int repeat) {
        if (repeat < 1) throw new UserError("repeat must be >= 1, got " + repeat);
        String f = format == null ? "auto" : format.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "text", "jsonl", "europarl", "tokens").contains(f)) {
            throw new UserError("input-format must be auto, text, jsonl, europarl or tokens, got '" + format + "'");
        }
        return new JobInput(Kind.FILES, List.copyOf(paths), f, repeat, 0, 0, 0, 0, 0, null, List.of(), null, true, java.util.Map.of());
    }

    public static JobInput zipf(long tokens, double exponent, long seed, int chunk, double recordsPerSecond) {
        if (tokens < 1 || chunk < 1) throw new UserError("zipf input needs tokens >= 1 and chunk >= 1");
        return new JobInput(Kind.ZIPF, List.of(), "tokens", 1, tokens, exponent, seed, chunk, recordsPerSecond, null, List.of(), null, true, java.util.Map.of());
    }

    /** {@code TOKENS[,s=1.1][,seed=42][,chunk=4096][,rate=RECORDS_PER_S]}; TOKENS accepts k/M/G suffixes. */
    static JobInput zipf(String args) {
        String[] parts = args.split(",");
        long tokens;
        double s = 1.1, rate = 0;
        long seed = 42;
        int chunk = 4096;
        try {
            tokens = parseCount(parts[0]);
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length != 2) throw new UserError("zipf input: expected key=value, got '" + parts[i] + "'");
                switch (kv[0].trim()) {
                    case "s" -> s = Double.parseDouble(kv[1]);
                    case "seed" -> seed = Long.parseLong(kv[1]);
                    case "chunk" -> chunk = (int) parseCount(kv[1]);
                    case "rate" -> rate = Double.parseDouble(kv[1]);
                    default -> throw new UserError("zipf input: unknown parameter '" + kv[0] + "' (s, seed, chunk, rate)");
                }
            }
        } catch (NumberFormatException e) {
            throw new UserError("zipf input: bad number in '" + args + "'");
        }
        return zipf(tokens, s, seed, chunk, rate);
    }

    static long parseCount(String s) {
        s = s.trim();
        char last = Character.toLowerCase(s.charAt(s.length() - 1));
        long mul = switch (last) { case 'k' -> 1_000L; case 'm' -> 1_000_000L; case 'g' -> 1_000_000_000L; default -> 1L; };
        return Long.parseLong(mul == 1 ? s : s.substring(0, s.length() - 1)) * mul;
    }

    public static JobInput kafka(String bootstrap, List<String> topics, String groupId, boolean bounded) {
        return kafka(bootstrap, topics, groupId, bounded, java.util.Map.of());
    }

    /** Kafka input with extra client properties (security, timeouts) for the source and the dead-letter sink. */
    public static JobInput kafka(String bootstrap, List<String> topics, String groupId, boolean bounded, java.util.Map<String, String> properties) {
        return new JobInput(Kind.KAFKA, List.of(), null, 1, 0, 0, 0, 0, 0, bootstrap, List.copyOf(topics), groupId, bounded,
                java.util.Map.copyOf(properties));
    }

    public JobInput withRate(double perSecond) {
        return new JobInput(kind, paths, format, repeat, zipfTokens, zipfExponent, zipfSeed, zipfChunk, perSecond, bootstrap, topics, groupId,
                kafkaBounded, kafkaProperties);
    }

    /** The document format for one file under {@code auto}. */
    public static String formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
        if (n.endsWith(TokenFiles.EXTENSION)) return "tokens";
        if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) return "jsonl";
        if (n.contains("europarl")) return "europarl";
        return "text";
    }

    public String describe() {
        return switch (kind) {
            case FILES -> String.join(",", paths) + (repeat > 1 ? " x" + repeat : "");
            case ZIPF -> "zipf:" + zipfTokens + ",s=" + zipfExponent + ",seed=" + zipfSeed + ",chunk=" + zipfChunk;
            case KAFKA -> "kafka " + bootstrap + " " + String.join(",", topics) + (kafkaBounded ? " (bounded)" : "");
        };
    }
}
