package io.engramstream.topics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One topic of the catalog: what {@code engram topics apply} creates and {@code verify} checks.
 *
 * @param name          topic name
 * @param description   one line for {@code describe}
 * @param partitions    partition count
 * @param replication   wanted replication factor (capped at the broker count when applied)
 * @param cleanupPolicy {@code delete}, {@code compact} or {@code compact,delete}
 * @param retentionMs   {@code retention.ms}; -1 keeps records forever
 * @param key           what the UTF-8 record key holds (e.g. {@code documentId})
 * @param valueSchema   simple name of the value's Avro record in {@code io.engramstream.schemas}
 * @param extraConfigs  other topic-level configs
 */
public record TopicSpec(String name, String description, int partitions, int replication, String cleanupPolicy,
                        long retentionMs, String key, String valueSchema, Map<String, String> extraConfigs) {

    public TopicSpec {
        Objects.requireNonNull(name);
        extraConfigs = Map.copyOf(extraConfigs);
    }

    /** Every topic-level config the catalog pins: cleanup.policy, retention.ms and the extras. */
    public Map<String, String> configs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cleanup.policy", cleanupPolicy);
        m.put("retention.ms", String.valueOf(retentionMs));
        m.putAll(extraConfigs);
        return m;
    }

    public boolean compacted() {
        return cleanupPolicy.contains("compact");
    }

    public TopicSpec withPartitions(int n) {
        return new TopicSpec(name, description, n, replication, cleanupPolicy, retentionMs, key, valueSchema, extraConfigs);
    }

    public TopicSpec withReplication(int n) {
        return new TopicSpec(name, description, partitions, n, cleanupPolicy, retentionMs, key, valueSchema, extraConfigs);
    }
}
