package io.engramstream.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The point of the input a snapshot reflects: Kafka offsets per partition (key
 * {@code "topic-partition"}, value: next offset to read), the event-time watermark (epoch ms,
 * {@link Long#MIN_VALUE} when unknown), the number of tokens counted so far, and free text (a
 * file name and line for bounded inputs). Any part may be empty.
 */
public record SourcePosition(Map<String, Long> offsets, long watermark, long tokens, String description)
        implements Serializable {

    public static final SourcePosition NONE = new SourcePosition(Map.of(), Long.MIN_VALUE, 0, "");

    public SourcePosition {
        offsets = offsets == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(offsets));
        description = description == null ? "" : description;
    }

    public static SourcePosition ofTokens(long tokens, String description) {
        return new SourcePosition(Map.of(), Long.MIN_VALUE, tokens, description);
    }

    public String toJson() {
        try {
            return Json.COMPACT.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SourcePosition fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, SourcePosition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad source position JSON: " + e.getOriginalMessage());
        }
    }
}
