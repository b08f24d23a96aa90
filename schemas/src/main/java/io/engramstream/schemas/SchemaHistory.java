package io.engramstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every version of every schema ever put on the bus, so that a reader resolves any record an
 * older writer produced. Versions live as resources {@code io/engramstream/schemas/history/
 * <Name>.v<N>.avsc}, listed in {@code index.txt} of that folder in order; the newest version of
 * each name equals the schema compiled from {@code src/main/avro} (a test enforces it).
 *
 * <p>To change a schema: edit {@code src/main/avro/<Name>.avsc} compatibly (new fields with
 * defaults), copy it to {@code history/<Name>.v<N+1>.avsc}, add that line to the index, and write
 * a compatibility fixture with the old version.
 */
public final class SchemaHistory {
    private static final String ROOT = "/io/engramstream/schemas/history/";

    private static final Map<String, List<Schema>> VERSIONS;
    private static final Map<Long, Schema> BY_FINGERPRINT;

    static {
        Map<String, List<Schema>> versions = new LinkedHashMap<>();
        Map<Long, Schema> byFp = new LinkedHashMap<>();
        for (String file : readLines(ROOT + "index.txt")) {
            String name = file.substring(0, file.indexOf('.'));
            // A fresh parser per file: each version redefines the same full names.
            Schema s = new Schema.Parser().parse(read(ROOT + file));
            if (!s.getName().equals(name)) {
                throw new IllegalStateException("schema history file " + file + " defines " + s.getFullName());
            }
            versions.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
            byFp.put(fingerprint(s), s);
        }
        versions.replaceAll((k, v) -> Collections.unmodifiableList(v));
        VERSIONS = Collections.unmodifiableMap(versions);
        BY_FINGERPRINT = Collections.unmodifiableMap(byFp);
    }

    private SchemaHistory() {}

    /** The 64-bit CRC-64-AVRO fingerprint of the schema's parsing canonical form (what single-object encoding carries). */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** Fingerprint as 16 lowercase hex digits, for messages. */
    public static String fingerprintHex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }

    /** All versions of a record (by simple name, e.g. {@code CorpusTokens}), oldest first; empty if unknown. */
    public static List<Schema> versions(String name) {
        return VERSIONS.getOrDefault(name, List.of());
    }

    /** Names of all records with a history. */
    public static List<String> names() {
        return List.copyOf(VERSIONS.keySet());
    }

    /** The version number (1-based) of a schema, or 0 if it is not in the history. */
    public static int versionOf(Schema schema) {
        long fp = fingerprint(schema);
        List<Schema> vs = versions(schema.getName());
        for (int i = 0; i < vs.size(); i++) {
            if (fingerprint(vs.get(i)) == fp) return i + 1;
        }
        return 0;
    }

    /** The schema with this fingerprint, any record and version; null if unknown. */
    public static Schema byFingerprint(long fingerprint) {
        return BY_FINGERPRINT.get(fingerprint);
    }

    /** The history as Avro's {@link SchemaStore}, e.g. for {@code BinaryMessageDecoder}. */
    public static SchemaStore store() {
        return SchemaHistory::byFingerprint;
    }

    private static List<String> readLines(String resource) {
        List<String> out = new ArrayList<>();
        for (String line : read(resource).split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) out.add(t);
        }
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
