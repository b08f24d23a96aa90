package io.engramstream.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Published row statistics on disk, under {@code <out>/stats/}:
 * <pre>
 *   stats/LATEST                         the tag of the newest complete publication
 *   stats/&lt;tag&gt;/part-00000-of-00002.rows  one part per statistics subtask (binary, below)
 *   stats/&lt;tag&gt;/summary.json             totals, written by whichever writer completes the set
 *   stats/.pending/&lt;tag&gt;/...              parts staged at a checkpoint, moved in when it completes
 * </pre>
 * A tag is {@code final} (end of bounded input) or {@code cp-<checkpoint id>}. A part file is
 * {@code "ENGRSTAT"}, an int format version, an int length and the UTF-8 JSON
 * {@link StatsPartHeader}, a long row count, then per row five big-endian longs: row key, corpus
 * count, inference count, score at last access (double bits), last access. Rows are sorted by key.
 *
 * <p>Every step that makes something visible is an atomic rename, so a reader never sees a
 * half-written part or a {@code LATEST} that names an incomplete set.
 */
public final class StatsDirectory {
    public static final String FINAL_TAG = "final";
    private static final byte[] MAGIC = "ENGRSTAT".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern PART = Pattern.compile("part-(\\d{5})-of-(\\d{5})\\.rows");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int KEEP_CHECKPOINT_TAGS = 2;

    private StatsDirectory() {}

    public static Path root(Path out) { return out.resolve("stats"); }

    /** Removes every publication under {@code out} (a fresh run). */
    public static void clear(Path out) throws IOException { deleteTree(root(out)); }

    public static String checkpointTag(long checkpointId) { return String.format("cp-%012d", checkpointId); }

    public static String partName(int part, int parts) { return String.format("part-%05d-of-%05d.rows", part, parts); }

    /** Writes a part straight into its publication (end of input) and completes the set if it can. */
    public static Path publishPart(Path out, StatsPartHeader header, RowStatsColumns sortedRows) throws IOException {
        Path dir = root(out).resolve(header.tag());
        Files.createDirectories(dir);
        Path file = dir.resolve(partName(header.part(), header.parts()));
        writePartAtomically(file, header, sortedRows);
        tryComplete(out, header.tag(), header.parts());
        return file;
    }

    /** Stages a part for a checkpoint; {@link #commitStaged} makes it visible once the checkpoint completes. */
    public static Path stagePart(Path out, StatsPartHeader header, RowStatsColumns sortedRows) throws IOException {
        Path dir = root(out).resolve(".pending").resolve(header.tag());
        Files.createDirectories(dir);
        Path file = dir.resolve(partName(header.part(), header.parts()));
        writePartAtomically(file, header, sortedRows);
        return file;
    }

    /** Tags with staged (not yet committed) parts, in tag order. */
    public static List<String> pendingTags(Path out) throws IOException {
        Path pending = root(out).resolve(".pending");
        List<String> tags = new ArrayList<>();
        if (!Files.isDirectory(pending)) return tags;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(pending, "cp-*")) {
            for (Path p : ds) tags.add(p.getFileName().toString());
        }
        tags.sort(null);
        return tags;
    }

    /** Moves a staged part into its publication and completes the set if every part is there. */
    public static boolean commitStaged(Path out, String tag, int part, int parts) throws IOException {
        Path staged = root(out).resolve(".pending").resolve(tag).resolve(partName(part, parts));
        Path dir = root(out).resolve(tag);
        if (!Files.exists(staged)) {
            // Moved in before a crash that came before summary.json or LATEST: finish the set now.
            return Files.exists(dir.resolve(partName(part, parts))) && tryComplete(out, tag, parts);
        }
        Files.createDirectories(dir);
        move(staged, dir.resolve(staged.getFileName().toString()));
        return tryComplete(out, tag, parts);
    }

    /**
     * If all {@code parts} parts of {@code tag} are present: writes {@code summary.json}, points
     * {@code LATEST} at the tag and prunes older checkpoint publications. Idempotent, and safe
     * when several writers race (they write identical files).
     */
    public static synchronized boolean tryComplete(Path out, String tag, int parts) throws IOException {
        Path dir = root(out).resolve(tag);
        List<Path> files = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            Path f = dir.resolve(partName(p, parts));
            if (!Files.exists(f)) return false;
            files.add(f);
        }
        List<StatsPartHeader> headers = new ArrayList<>();
        for (Path f : files) headers.add(readHeader(f));
        StatsSummary summary = summarize(tag, headers, files);
        writeAtomically(dir.resolve("summary.json"), JSON.writeValueAsBytes(summary));
        Path latest = root(out).resolve("LATEST");
        Optional<String> current = latestTag(out);
        // "final" wins over checkpoints; otherwise the newest checkpoint wins.
        if (current.isEmpty() || tag.equals(FINAL_TAG) || (!current.get().equals(FINAL_TAG) && tag.compareTo(current.get()) >= 0)) {
            writeAtomically(latest, (tag + "\n").getBytes(StandardCharsets.UTF_8));
        }
        prune(out);
        return true;
    }

    static StatsSummary summarize(String tag, List<StatsPartHeader> headers, List<Path> files) {
        StatsPartHeader h0 = headers.get(0);
        long tokens = 0, lookups = 0, records = 0, dead = 0, rows = 0, clock = Long.MIN_VALUE;
        for (StatsPartHeader h : headers) {
            if (!h.specFingerprint().equals(h0.specFingerprint())) {
                throw new IllegalStateException("parts of " + tag + " disagree on the spec fingerprint");
            }
            tokens += h.tokens();
            lookups += h.lookups();
            records += h.records();
            dead += h.deadLetters();
            rows += h.rows();
            clock = Math.max(clock, h.clockNow());
        }
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        return new StatsSummary(StatsPartHeader.FORMAT_VERSION, tag, names, h0.virtualShards(), h0.specFingerprint(),
                h0.canonicalMapId(), h0.canonicalMapFingerprint(), h0.specJson(), h0.clock(), clock, h0.halfLife(),
                h0.corpusWeight(), h0.inferenceWeight(), tokens, lookups, records, dead, rows, Instant.now().toString());
    }

    /** The tag named by {@code LATEST}, if any publication completed. */
    public static Optional<String> latestTag(Path out) throws IOException {
        Path latest = root(out).resolve("LATEST");
        if (!Files.exists(latest)) return Optional.empty();
        String t = Files.readString(latest, StandardCharsets.UTF_8).trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** The newest complete publication's directory. */
    public static Optional<Path> latest(Path out) throws IOException {
        return latestTag(out).map(t -> root(out).resolve(t));
    }

    public static StatsSummary readSummary(Path publication) throws IOException {
        return JSON.readValue(publication.resolve("summary.json").toFile(), StatsSummary.class);
    }

    /** The part files of a publication, in part order. */
    public static List<Path> partFiles(Path publication) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(publication, "part-*.rows")) {
            for (Path p : ds) if (PART.matcher(p.getFileName().toString()).matches()) out.add(p);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** All rows of a publication (the parts its summary lists), sorted by row key. */
    public static RowStatsColumns readRows(Path publication) throws IOException {
        List<RowStatsColumns> parts = new ArrayList<>();
        for (Path f : publicationParts(publication)) parts.add(readPart(f));
        return parts.size() == 1 ? parts.get(0) : RowStatsColumns.mergeSorted(parts);
    }

    // ---- part files -------------------------------------------------------------------------

    static void writePartAtomically(Path file, StatsPartHeader header, RowStatsColumns rows) throws IOException {
        if (!rows.isSortedByKey()) throw new IllegalArgumentException("part rows must be sorted by key");
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writePart(ch, header, rows);
        }
        move(tmp, file);
    }

    /** Writes a part through one 1 MB buffer: about disk speed, no per-field stream calls. */
    public static void writePart(WritableByteChannel ch, StatsPartHeader header, RowStatsColumns rows) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        ByteBuffer buf = ByteBuffer.allocate(Math.max(1 << 20, json.length + 64));
        buf.put(MAGIC).putInt(StatsPartHeader.FORMAT_VERSION).putInt(json.length).put(json).putLong(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            if (buf.remaining() < 40) drain(ch, buf);
            buf.putLong(rows.key(r)).putLong(rows.corpus(r)).putLong(rows.inference(r))
                    .putLong(Double.doubleToRawLongBits(rows.scoreAtLast(r))).putLong(rows.last(r));
        }
        drain(ch, buf);
    }

    private static void drain(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    public static StatsPartHeader readHeader(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            return readHeader(in, file).header();
        }
    }

    /** A parsed header and the number of bytes it took at the start of the file. */
    private record ParsedHeader(StatsPartHeader header, long bytes) {}

    private static ParsedHeader readHeader(DataInputStream in, Path file) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        try {
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new IOException(file + ": not a statistics part file");
            int version = in.readInt();
            if (version != StatsPartHeader.FORMAT_VERSION) throw new IOException(file + ": unsupported format version " + version);
            int len = in.readInt();
            if (len < 0 || len > (16 << 20)) throw new IOException(file + ": corrupt header length " + len);
            byte[] json = new byte[len];
            in.readFully(json);
            return new ParsedHeader(JSON.readValue(json, StatsPartHeader.class), MAGIC.length + 8L + len);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated statistics part file", e);
        }
    }

    public static RowStatsColumns readPart(Path file) throws IOException {
        RowStatsColumns[] rows = {null};
        scanPart(file, n -> rows[0] = new RowStatsColumns(n), (k, c, i, s, l) -> rows[0].add(k, c, i, s, l));
        return rows[0];
    }

    /** The files of a publication's parts (those its summary lists, else every part file), in part order. */
    public static List<Path> publicationParts(Path publication) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.exists(publication.resolve("summary.json"))) {
            for (String name : readSummary(publication).parts()) files.add(publication.resolve(name));
        } else {
            files.addAll(partFiles(publication));
        }
        return files;
    }

    /**
     * Streams the rows of a part file through {@code visitor} (key order) with one fixed 1.3 MB
     * buffer: memory does not grow with the part, so a planner can visit a publication far larger
     * than its heap. Validates like {@link #readPart}.
     *
     * @return the number of rows visited
     */
    public static long scanPart(Path file, RowStatsTable.RowVisitor visitor) throws IOException {
        return scanPart(file, n -> {}, visitor);
    }

    private static long scanPart(Path file, java.util.function.IntConsumer sized, RowStatsTable.RowVisitor visitor) throws IOException {
        long n;
        long rowsStart;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            rowsStart = readHeader(in, file).bytes() + 8;
            n = in.readLong();
            if (n < 0 || n > Integer.MAX_VALUE - 8) throw new IOException(file + ": corrupt row count " + n);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated statistics part file", e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // The rows follow the count and fill the rest of the file exactly: anything else is a
            // truncated or damaged file, caught before the count sizes any array.
            if (ch.size() != rowsStart + 40L * n) {
                throw new IOException(file + ": truncated or damaged statistics part file (" + n + " rows declared, "
                        + ch.size() + " bytes)");
            }
            sized.accept((int) n);
            ch.position(rowsStart);
            ByteBuffer buf = ByteBuffer.allocate(40 << 15);
            long left = n;
            while (left > 0) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), left * 40));
                while (buf.hasRemaining()) {
                    if (ch.read(buf) < 0) throw new IOException(file + ": truncated statistics part file");
                }
                buf.flip();
                while (buf.remaining() >= 40) {
                    visitor.row(buf.getLong(), buf.getLong(), buf.getLong(), Double.longBitsToDouble(buf.getLong()), buf.getLong());
                    left--;
                }
            }
            return n;
        }
    }

    // ---- file helpers -------------------------------------------------------------------------

    private static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        Files.write(tmp, content);
        move(tmp, file);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Keeps {@code final} and the newest complete checkpoint publications; drops stale staging. */
    private static void prune(Path out) throws IOException {
        Path root = root(out);
        List<String> cps = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "cp-*")) {
            for (Path p : ds) if (Files.exists(p.resolve("summary.json"))) cps.add(p.getFileName().toString());
        }
        cps.sort(null);
        String current = latestTag(out).orElse("");
        for (int i = 0; i < cps.size() - KEEP_CHECKPOINT_TAGS; i++) {
            if (!cps.get(i).equals(current)) deleteTree(root.resolve(cps.get(i)));
        }
        if (!cps.isEmpty()) {
            String newest = cps.get(cps.size() - 1);
            Path pending = root.resolve(".pending");
            if (Files.isDirectory(pending)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(pending, "cp-*")) {
                    for (Path p : ds) if (p.getFileName().toString().compareTo(newest) <= 0) deleteTree(p);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException | FileAlreadyExistsException ignored) {
                    // a concurrent pruner got there first
                } catch (IOException e) {
                    if (!Files.isDirectory(p)) throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Part index and count from a part file name, e.g. {@code part-00001-of-00002.rows}. */
    public static int[] parsePartName(String name) {
        Matcher m = PART.matcher(name);
        if (!m.matches()) throw new IllegalArgumentException("not a part file name: " + name);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }
}
