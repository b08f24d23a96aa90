package io.engramstream.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.engramstream.cli.UserError;
import io.engramstream.schemas.Codecs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * The declarative list of every topic on the bus, read from {@code topics.yaml} (a resource of
 * this module), optionally merged with an override file of the same format for a particular
 * cluster (more partitions, other retention). Code names topics through the constants here.
 */
public final class TopicCatalog {
    public static final String CORPUS_TEXT = "engram.corpus.text";
    public static final String CORPUS_TOKENS = "engram.corpus.tokens";
    public static final String INFERENCE_TRAFFIC = "engram.inference.traffic";
    public static final String INFERENCE_REQUESTS = "engram.inference.requests";
    public static final String INFERENCE_RESPONSES = "engram.inference.responses";
    public static final String SNAPSHOT_MANIFESTS = "engram.snapshot.manifests";
    public static final String DEAD_LETTERS = "engram.deadletters";

    private static final String RESOURCE = "/io/engramstream/topics/topics.yaml";
    private static final Set<String> CLEANUP = Set.of("delete", "compact", "compact,delete", "delete,compact");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static volatile TopicCatalog builtIn;

    private final Map<String, TopicSpec> topics;

    private TopicCatalog(Map<String, TopicSpec> topics) {
        this.topics = topics;
    }

    /** The catalog shipped with the project. */
    public static TopicCatalog defaults() {
        TopicCatalog c = builtIn;
        if (c == null) {
            try (InputStream in = TopicCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
                builtIn = c = parse(YAML.readTree(in), "topics.yaml", null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return c;
    }

    /** The shipped catalog with an override file merged in, or the shipped one when {@code override} is null. */
    public static TopicCatalog load(Path override) {
        if (override == null) return defaults();
        try {
            return parse(YAML.readTree(Files.readString(override)), override.toString(), defaults());
        } catch (NoSuchFileException e) {
            throw new UserError("no such catalog file: " + override);
        } catch (IOException e) {
            throw new UserError("cannot read catalog " + override + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * Parses a catalog document. With a {@code base}, the document is an override: each entry
     * names an existing topic and replaces only the fields it gives (configs are merged).
     */
    static TopicCatalog parse(JsonNode root, String source, TopicCatalog base) {
        Map<String, TopicSpec> out = new LinkedHashMap<>(base == null ? Map.of() : base.topics);
        JsonNode list = root == null ? null : root.get("topics");
        if (list == null || !list.isArray()) throw new UserError(source + ": expected a 'topics:' list");
        for (JsonNode t : list) {
            String name = text(t, "name", null, source);
            if (name == null) throw new UserError(source + ": a topic without a name");
            String where = source + ", topic " + name;
            TopicSpec old = out.get(name);
            if (base != null && old == null) {
                throw new UserError(where + ": not in the catalog (overrides may only change existing topics)");
            }
            if (base == null && old != null) throw new UserError(where + ": listed twice");
            for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of("name", "description", "partitions", "replication", "cleanup", "retention", "key", "value", "configs").contains(f)) {
                    throw new UserError(where + ": unknown field '" + f + "'");
                }
            }
            Map<String, String> configs = new LinkedHashMap<>(old == null ? Map.of() : old.extraConfigs());
            JsonNode cfg = t.get("configs");
            if (cfg != null) {
                if (!cfg.isObject()) throw new UserError(where + ": configs must be a map");
                cfg.fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
            }
            configs.remove("cleanup.policy");
            configs.remove("retention.ms");
            String cleanup = text(t, "cleanup", old == null ? null : old.cleanupPolicy(), where);
            String value = text(t, "value", old == null ? null : old.valueSchema(), where);
            String key = text(t, "key", old == null ? null : old.key(), where);
            TopicSpec spec = new TopicSpec(name,
                    text(t, "description", old == null ? "" : old.description(), where),
                    integer(t, "partitions", old == null ? null : old.partitions(), where),
                    integer(t, "replication", old == null ? null : old.replication(), where),
                    cleanup,
                    retention(t, old == null ? null : old.retentionMs(), where),
                    key, value, configs);
            if (spec.partitions() < 1) throw new UserError(where + ": partitions must be at least 1");
            if (spec.replication() < 1) throw new UserError(where + ": replication must be at least 1");
            if (cleanup == null || !CLEANUP.contains(cleanup)) {
                throw new UserError(where + ": cleanup must be delete, compact or compact,delete, got " + cleanup);
            }
            if (key == null) throw new UserError(where + ": missing key");
            if (value == null || Codecs.forName(value) == null) {
                throw new UserError(where + ": value must name a record in io.engramstream.schemas, got " + value);
            }
            out.put(name, spec);
        }
        return new TopicCatalog(java.util.Collections.unmodifiableMap(out));
    }

    private static String text(JsonNode t, String field, String dflt, String where) {
        JsonNode n = t.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isValueNode()) throw new UserError(where + ": " + field + " must be a plain value");
        return n.asText();
    }

    private static Integer integer(JsonNode t, String field, Integer dflt, String where) {
        JsonNode n = t.get(field);
        if (n == null || n.isNull()) {
            if (dflt == null) throw new UserError(where + ": missing " + field);
            return dflt;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw new UserError(where + ": " + field + " must be a whole number, got " + n);
        return n.asInt();
    }

    private static long retention(JsonNode t, Long dflt, String where) {
        JsonNode n = t.get("retention");
        if (n == null || n.isNull()) {
            if (dflt == null) throw new UserError(where + ": missing retention");
            return dflt;
        }
        String s = n.asText().trim();
        if (s.equals("-1")) return -1;
        try {
            return parseDuration(s).toMillis();
        } catch (RuntimeException e) {
            throw new UserError(where + ": retention must look like 500ms, 30s, 5m, 2h, 7d or -1, got '" + s + "'");
        }
    }

    static Duration parseDuration(String s) {
        String lower = s.toLowerCase();
        if (lower.endsWith("ms")) return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
        long n = Long.parseLong(lower.substring(0, lower.length() - 1));
        return switch (lower.charAt(lower.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new NumberFormatException(s);
        };
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Every topic, in file order. */
    public List<TopicSpec> topics() {
        return new ArrayList<>(topics.values());
    }

    public List<String> names() {
        return new ArrayList<>(topics.keySet());
    }

    /** The topic of that name. @throws UserError if the catalog has none */
    public TopicSpec topic(String name) {
        TopicSpec t = topics.get(name);
        if (t == null) throw new UserError("topic " + name + " is not in the catalog (known: " + String.join(", ", topics.keySet()) + ")");
        return t;
    }

    public boolean contains(String name) {
        return topics.containsKey(name);
    }

    /** The (first) topic whose values are records of this class, e.g. CorpusTokens -> engram.corpus.tokens. */
    public TopicSpec topicFor(Class<? extends SpecificRecord> valueType) {
        for (TopicSpec t : topics.values()) {
            if (t.valueSchema().equals(valueType.getSimpleName())) return t;
        }
        throw new IllegalArgumentException("no topic carries " + valueType.getSimpleName());
    }

    /** A copy with every topic's replication at most {@code maxReplication} (for small clusters). */
    public TopicCatalog capReplication(int maxReplication) {
        Map<String, TopicSpec> m = new LinkedHashMap<>();
        topics.forEach((k, v) -> m.put(k, v.replication() > maxReplication ? v.withReplication(maxReplication) : v));
        return new TopicCatalog(java.util.Collections.unmodifiableMap(m));
    }
}
