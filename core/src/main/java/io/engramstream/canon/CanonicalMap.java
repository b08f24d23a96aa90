package io.engramstream.canon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.engramstream.cli.UserError;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Old token id -> canonical id: the Engram tokenizer compression, as a plain {@code int[]}.
 * {@link #map} is a single array read (no range check: callers check {@code oldId < oldVocabSize()}
 * once per batch), so it can sit in the per-token hot path.
 *
 * <p>File format (version 1), readable with {@code head -2}:
 * <pre>
 * ENGRAM-CANONICAL-MAP 1\n
 * {one line of JSON: vocabulary id and sha256, raw-key convention, normalizer version, sizes, fingerprint}\n
 * gzip( lookup as little-endian int32, oldVocabSize of them )
 * </pre>
 * The fingerprint is the first 16 hex characters of SHA-256 over
 * {@code "engram-canonical-map/1\n" + vocabularySha256 + "\n" + oldSize + "\n" + canonicalSize + "\n"}
 * followed by the lookup as little-endian int32: it names what the ids mean, not how they were
 * computed, so two builds that agree on every id share it. {@link #load} recomputes and checks it.
 */
public final class CanonicalMap {
    public static final int FORMAT_VERSION = 1;
    /** Most old ids a map file may hold (real vocabularies have under 10^6): bounds what a header can make us allocate. */
    public static final int MAX_OLD_VOCAB = 1 << 26;
    static final String MAGIC = "ENGRAM-CANONICAL-MAP";

    private final int[] lookup;
    private final int canonicalSize;
    private final String vocabularyId;
    private final String vocabularySha256;
    private final String rawKeyConvention;
    private final String normalizerVersion;
    private final String fingerprint;

    CanonicalMap(int[] lookup, String vocabularyId, String vocabularySha256, String rawKeyConvention,
                 String normalizerVersion) {
        this.lookup = Objects.requireNonNull(lookup);
        this.vocabularyId = Objects.requireNonNull(vocabularyId);
        this.vocabularySha256 = Objects.requireNonNull(vocabularySha256);
        this.rawKeyConvention = Objects.requireNonNull(rawKeyConvention);
        this.normalizerVersion = Objects.requireNonNull(normalizerVersion);
        int max = -1;
        for (int v : lookup) {
            if (v < 0) throw new IllegalArgumentException("negative canonical id " + v);
            max = Math.max(max, v);
        }
        this.canonicalSize = max + 1;
        this.fingerprint = computeFingerprint(vocabularySha256, lookup, canonicalSize);
    }

    /** The canonical id of {@code oldId}; {@code 0 <= oldId < oldVocabSize()} is the caller's to check. */
    public int map(int oldId) { return lookup[oldId]; }

    /** Maps {@code len} ids in place from {@code off}: the batch form for hot loops (no allocation). */
    public void mapInPlace(int[] ids, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) ids[i] = lookup[ids[i]];
    }

    public int oldVocabSize() { return lookup.length; }
    public int canonicalVocabSize() { return canonicalSize; }
    public String fingerprint() { return fingerprint; }
    public String vocabularySha256() { return vocabularySha256; }
    public String vocabularyId() { return vocabularyId; }
    public String rawKeyConvention() { return rawKeyConvention; }
    public String normalizerVersion() { return normalizerVersion; }

    /** 1 - canonical/old: the share of ids merged away. */
    public double reduction() { return 1.0 - (double) canonicalSize / lookup.length; }

    /** A copy of the whole lookup. */
    public int[] toArray() { return lookup.clone(); }

    /** Writes the map atomically (temporary file, then rename). */
    public void save(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                    out.write((MAGIC + " " + FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(header().toString().getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                    GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
                    gz.write(littleEndian(lookup));
                    gz.finish();
                }
                try {   // temp files start owner-only; a map is not a secret
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException notPosix) {
                    // keep the default
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write canonical map " + file, e);
        }
    }

    ObjectNode header() {
        ObjectNode h = new ObjectMapper().createObjectNode();
        h.put("format_version", FORMAT_VERSION);
        h.put("vocabulary_id", vocabularyId);
        h.put("vocabulary_sha256", vocabularySha256);
        h.put("raw_key_convention", rawKeyConvention);
        h.put("normalizer_version", normalizerVersion);
        h.put("old_vocab_size", lookup.length);
        h.put("canonical_vocab_size", canonicalSize);
        h.put("fingerprint", fingerprint);
        return h;
    }

    /** Reads and verifies a map written by {@link #save}; a damaged or foreign file is a {@link UserError}. */
    public static CanonicalMap load(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            String first = readLine(in, 64);
            if (!first.startsWith(MAGIC + " ")) throw new UserError(file + " is not an engram canonical map");
            int version = Integer.parseInt(first.substring(MAGIC.length() + 1).trim());
            if (version != FORMAT_VERSION) {
                throw new UserError(file + " has canonical-map format version " + version + "; this build reads " + FORMAT_VERSION);
            }
            JsonNode h = new ObjectMapper().readTree(readLine(in, 1 << 16));
            JsonNode sizeNode = h.path("old_vocab_size");
            if (!sizeNode.canConvertToInt() || !sizeNode.isIntegralNumber() || sizeNode.intValue() < 0) {
                throw new UserError(file + ": header has no valid old_vocab_size");
            }
            int oldSize = sizeNode.intValue();
            if (oldSize > MAX_OLD_VOCAB) {
                throw new UserError(file + ": header claims " + oldSize + " old ids, more than the " + MAX_OLD_VOCAB + " a map may hold");
            }
            byte[] body;
            try (DataInputStream gz = new DataInputStream(new GZIPInputStream(in, 1 << 16))) {
                body = readExactly(gz, oldSize * 4);
                if (gz.read() != -1) throw new UserError(file + ": more lookup entries than old_vocab_size " + oldSize);
            }
            int[] lookup = new int[oldSize];
            ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(lookup);
            CanonicalMap map;
            try {
                map = new CanonicalMap(lookup, h.path("vocabulary_id").asText(), h.path("vocabulary_sha256").asText(),
                        h.path("raw_key_convention").asText(), h.path("normalizer_version").asText());
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": " + e.getMessage());
            }
            if (map.canonicalVocabSize() != h.path("canonical_vocab_size").asInt(-1)) {
                throw new UserError(file + ": lookup has " + map.canonicalVocabSize() + " canonical ids but the header says "
                        + h.path("canonical_vocab_size").asInt(-1));
            }
            if (!map.fingerprint().equals(h.path("fingerprint").asText())) {
                throw new UserError(file + ": fingerprint mismatch (header " + h.path("fingerprint").asText()
                        + ", content " + map.fingerprint() + "): the file is damaged");
            }
            return map;
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (EOFException e) {
            throw new UserError(file + " is truncated");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError("cannot read canonical map " + file + ": bad header JSON: " + oneLine(e.getOriginalMessage()));
        } catch (IOException | NumberFormatException e) {
            throw new UserError("cannot read canonical map " + file + ": " + oneLine(e.getMessage()));
        }
    }

    static String computeFingerprint(String vocabularySha256, int[] lookup, int canonicalSize) {
        MessageDigest d = Sha256.digest();
        d.update(("engram-canonical-map/1\n" + vocabularySha256 + "\n" + lookup.length + "\n" + canonicalSize + "\n")
                .getBytes(StandardCharsets.UTF_8));
        d.update(littleEndian(lookup));
        return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    }

    private static byte[] littleEndian(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }

    /** Reads {@code n} bytes, growing the buffer as they arrive: a header that lies about the size costs nothing. */
    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = new byte[Math.min(n, 1 << 20)];
        int filled = 0;
        while (filled < n) {
            if (filled == b.length) b = java.util.Arrays.copyOf(b, (int) Math.min(n, 2L * b.length));
            int r = in.read(b, filled, b.length - filled);
            if (r < 0) throw new EOFException();
            filled += r;
        }
        return b;
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    private static String readLine(InputStream in, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new EOFException();
            if (line.size() >= max) throw new IOException("header line longer than " + max + " bytes");
            line.write(c);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override public String toString() {
        return "CanonicalMap[" + vocabularyId + " " + lookup.length + " -> " + canonicalSize + ", " + fingerprint + "]";
    }
}
