package io.engramstream.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Makes "LATEST was announced" crash-safe without a transaction spanning the file system and the
 * topic: after a manifest is sent, the marker {@code .manifest-sent} in the snapshot directory
 * records its version, SHA-256 and destination (atomically, via a rename). Whoever publishes (and
 * a job when it (re)starts) calls {@link #sendLatestIfBehind}: when {@code LATEST} is newer than the
 * marker, it is verified (plain name, size, SHA-256) and sent again. A crash after the rename of
 * {@code LATEST} but before the send, or after the send but before the marker, therefore ends with
 * {@code LATEST} on the topic once the publisher runs again; the worst case is one duplicate record,
 * which a compacted topic and the store's follower (it applies newer versions only) absorb.
 *
 * <p>Callers serialize: the last sent record must be the newest version, so sends run under the
 * same lock as publications ({@code StatsSnapshotPublisher}).
 */
public final class ManifestOutbox {
    public static final String MARKER = ".manifest-sent";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the marker records. */
    public record Sent(long version, String sha256, String destination) {}

    private ManifestOutbox() {}

    /** The last manifest recorded as sent from {@code dir}, if any (an unreadable marker counts as none). */
    public static Optional<Sent> lastSent(Path dir) throws IOException {
        Path p = dir.resolve(MARKER);
        try {
            byte[] b = Files.readAllBytes(p);
            return Optional.of(JSON.readValue(b, Sent.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return Optional.empty();   // damaged marker: sending again is the safe side
        }
    }

    /**
     * Sends the manifest {@code LATEST} names unless the marker says this destination has it.
     *
     * @return the manifest sent now, or empty when there was nothing to send
     * @throws IOException when the send fails, or {@code LATEST} names a file that does not verify
     *                     (then nothing is sent: the topic never announces a missing or damaged file)
     */
    public static Optional<SnapshotManifest> sendLatestIfBehind(SnapshotDirectory directory, ManifestSink sink) throws IOException {
        Optional<SnapshotManifest> latest = directory.latest();
        if (latest.isEmpty()) return Optional.empty();
        SnapshotManifest m = latest.get();
        Optional<Sent> sent = lastSent(directory.dir());
        if (sent.isPresent() && sent.get().version() >= m.version() && sink.destination().equals(sent.get().destination())
                && (sent.get().version() > m.version() || m.sha256().equalsIgnoreCase(sent.get().sha256()))) {
            return Optional.empty();
        }
        verify(directory, m);
        sink.send(m);
        record(directory.dir(), new Sent(m.version(), m.sha256(), sink.destination()));
        return Optional.of(m);
    }

    /** The file a manifest names is in place with its size and SHA-256 (no Arrow parsing: the writer checked that). */
    static void verify(SnapshotDirectory directory, SnapshotManifest m) throws IOException {
        String name = m.file();
        if (name == null || !name.equals(SnapshotDirectory.snapshotFileName(m.version()))) {
            throw new IOException("LATEST (version " + m.version() + ") names '" + name + "', not this directory's snapshot file");
        }
        Path f = directory.resolve(name);
        if (!Files.isRegularFile(f) || Files.size(f) != m.bytes() || !Sha256.of(f).equalsIgnoreCase(m.sha256())) {
            throw new IOException("LATEST (version " + m.version() + ") names " + name + ", which is missing or does not match its size/sha256");
        }
    }

    private static void record(Path dir, Sent sent) throws IOException {
        Path tmp = dir.resolve(MARKER + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsString(sent).getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
