package io.engramstream.topics.produce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.engramstream.cli.UserError;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Streams the documents of a corpus file or directory (recursively, files in name order,
 * {@code .gz} files decompressed) without holding more than one document in memory.
 */
public final class CorpusReader {

    /** Receives documents and bad lines as they are read. */
    public interface Sink {
        void document(CorpusDocument doc);

        void bad(BadInput bad);
    }

    private static final Pattern EUROPARL = Pattern.compile("^[^\t]*\t\\d{4}-\\d{2}-\\d{2}\t.*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path input;
    private final CorpusFormat format;
    private final String sourceOverride;
    private final String language;
    private final AtomicLong bytesRead = new AtomicLong();
    private final long totalBytes;
    private final List<Path> files;

    /**
     * @param input          a file or a directory
     * @param sourceOverride source name for every document, or null for the file's relative path
     * @param language       language for documents that do not name one, or null
     */
    public CorpusReader(Path input, CorpusFormat format, String sourceOverride, String language) {
        this.input = input;
        this.format = format;
        this.sourceOverride = sourceOverride;
        this.language = language;
        if (!Files.exists(input)) throw new UserError("no such input: " + input);
        try (Stream<Path> s = Files.isDirectory(input) ? Files.walk(input) : Stream.of(input)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
            long t = 0;
            for (Path f : files) t += Files.size(f);
            totalBytes = t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) throw new UserError("no files in " + input);
    }

    public List<Path> files() { return files; }

    /** Bytes of input files (compressed size for .gz). */
    public long totalBytes() { return totalBytes; }

    /** Bytes of input files consumed so far (for progress). */
    public long bytesRead() { return bytesRead.get(); }

    public void read(Sink sink) {
        for (Path f : files) {
            try {
                readFile(f, sink);
            } catch (NoSuchFileException e) {
                throw new UserError("input file vanished: " + f);
            } catch (IOException e) {
                throw new UserError("cannot read " + f + ": " + e.getMessage());
            }
        }
    }

    private String relative(Path f) {
        Path base = Files.isDirectory(input) ? input : input.getParent();
        return base == null ? f.toString() : base.relativize(f).toString();
    }

    private void readFile(Path f, Sink sink) throws IOException {
        String rel = relative(f);
        String source = sourceOverride != null ? sourceOverride : rel;
        Instant mtime = Files.getLastModifiedTime(f).toInstant();
        long before = bytesRead.get();
        try (InputStream raw = new Counting(Files.newInputStream(f), bytesRead);
             InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16)) {
            CorpusFormat fmt = format == CorpusFormat.AUTO ? detect(firstNonBlankLine(f)) : format;
            switch (fmt) {
                case PLAIN -> {
                    StringBuilder sb = new StringBuilder();
                    char[] buf = new char[1 << 16];
                    for (int n; (n = r.read(buf)) > 0; ) sb.append(buf, 0, n);
                    String text = sb.toString().strip();
                    if (!text.isEmpty()) sink.document(new CorpusDocument(rel, source, language, text, mtime));
                }
                case LINES, JSONL, EUROPARL -> {
                    long lineNo = 0;
                    for (String line; (line = r.readLine()) != null; ) {
                        lineNo++;
                        if (line.isBlank()) continue;
                        String id = rel + ":" + lineNo;
                        if (fmt == CorpusFormat.LINES) {
                            sink.document(new CorpusDocument(id, source, language, line.strip(), mtime));
                        } else if (fmt == CorpusFormat.EUROPARL) {
                            europarl(line, id, source, rel, lineNo, mtime, sink);
                        } else {
                            jsonl(line, id, source, rel, lineNo, mtime, sink);
                        }
                    }
                }
                default -> throw new IllegalStateException(fmt.toString());
            }
        }
        // Count the whole file even if the gzip stream stopped short of the raw end.
        bytesRead.set(before + Files.size(f));
    }

    /** The first non-blank line of a file (read separately, so detection never disturbs the real read). */
    private static String firstNonBlankLine(Path f) throws IOException {
        try (InputStream raw = Files.newInputStream(f);
             InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) return line;
            }
            return null;
        }
    }

    static CorpusFormat detect(String firstLine) {
        if (firstLine == null) return CorpusFormat.PLAIN;
        String t = firstLine.stripLeading();
        if (t.startsWith("{")) return CorpusFormat.JSONL;
        if (EUROPARL.matcher(firstLine).matches()) return CorpusFormat.EUROPARL;
        return CorpusFormat.PLAIN;
    }

    private void europarl(String line, String id, String source, String rel, long lineNo, Instant mtime, Sink sink) {
        String[] f = line.split("\t", 3);
        if (f.length < 3 || f[2].isBlank()) {
            sink.bad(new BadInput(rel, lineNo, line.getBytes(StandardCharsets.UTF_8), "Europarl line without title, date and body"));
            return;
        }
        Instant time = mtime;
        try {
            time = LocalDate.parse(f[1].strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            sink.bad(new BadInput(rel, lineNo, line.getBytes(StandardCharsets.UTF_8), "Europarl date is not yyyy-MM-dd: " + f[1]));
            return;
        }
        String title = f[0].strip();
        String body = f[2].strip();
        sink.document(new CorpusDocument(id, source, language, title.isEmpty() ? body : title + "\n\n" + body, time));
    }

    private void jsonl(String line, String id, String source, String rel, long lineNo, Instant mtime, Sink sink) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            sink.bad(new BadInput(rel, lineNo, line.getBytes(StandardCharsets.UTF_8), "not JSON: " + firstLine(e.getMessage())));
            return;
        }
        if (n == null || !n.isObject() || !n.path("text").isTextual()) {
            sink.bad(new BadInput(rel, lineNo, line.getBytes(StandardCharsets.UTF_8), "JSON line without a string 'text' field"));
            return;
        }
        String docId = textField(n, "id", "documentId");
        String lang = textField(n, "language", "lang");
        String src = textField(n, "source", null);
        Instant time = mtime;
        JsonNode t = n.has("time") ? n.get("time") : n.has("eventTime") ? n.get("eventTime") : n.get("date");
        if (t != null && !t.isNull()) {
            try {
                time = t.isNumber() ? Instant.ofEpochMilli(t.asLong())
                        : t.asText().length() == 10 ? LocalDate.parse(t.asText()).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : Instant.parse(t.asText());
            } catch (DateTimeParseException e) {
                sink.bad(new BadInput(rel, lineNo, line.getBytes(StandardCharsets.UTF_8), "unreadable time: " + t.asText()));
                return;
            }
        }
        sink.document(new CorpusDocument(docId != null ? docId : id, sourceOverride != null || src == null ? source : src,
                lang != null ? lang : language, n.get("text").asText(), time));
    }

    private static String textField(JsonNode n, String a, String b) {
        JsonNode v = n.get(a);
        if ((v == null || v.isNull()) && b != null) v = n.get(b);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Counts bytes read from the raw file, for a progress bar that also works for .gz input. */
    private static final class Counting extends FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count.incrementAndGet();
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count.addAndGet(n);
            return n;
        }
    }
}
