package io.engramstream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Renders decoded records as JSON for people: packed token ids as int arrays, times as ISO-8601. */
public final class RecordJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordJson() {}

    /** @param maxTokens show at most this many ids per token field (the count is always given) */
    public static ObjectNode of(SpecificRecord r, int maxTokens) {
        ObjectNode o = F.objectNode();
        for (Schema.Field f : r.getSchema().getFields()) {
            Object v = r.get(f.pos());
            if (v instanceof ByteBuffer b && f.name().toLowerCase(java.util.Locale.ROOT).endsWith("tokenids")) {
                int n = TokenIds.count(b);
                ArrayNode a = o.putArray(f.name());
                for (int i = 0; i < Math.min(n, maxTokens); i++) a.add(TokenIds.get(b, i));
                if (n > maxTokens) o.put(f.name() + "Count", n);
            } else {
                o.set(f.name(), value(v, maxTokens));
            }
        }
        return o;
    }

    private static JsonNode value(Object v, int maxTokens) {
        if (v == null) return F.nullNode();
        if (v instanceof CharSequence s) return F.textNode(s.toString());
        if (v instanceof Integer i) return F.numberNode(i);
        if (v instanceof Long l) return F.numberNode(l);
        if (v instanceof Float x) return F.numberNode(x);
        if (v instanceof Double x) return F.numberNode(x);
        if (v instanceof Boolean b) return F.booleanNode(b);
        if (v instanceof Instant t) return F.textNode(t.toString());
        if (v instanceof Enum<?> e) return F.textNode(e.name());
        if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return F.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (v instanceof SpecificRecord r) return of(r, maxTokens);
        if (v instanceof List<?> l) {
            ArrayNode a = F.arrayNode();
            for (Object x : l) a.add(value(x, maxTokens));
            return a;
        }
        return F.textNode(v.toString());
    }
}
