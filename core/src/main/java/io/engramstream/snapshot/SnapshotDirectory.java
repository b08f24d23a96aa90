package io.engramstream.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory of published snapshot versions with a two-phase, crash-safe publish protocol:
 * <ol>
 *   <li>{@link #prepare}: write the full snapshot (and delta) to hidden {@code .tmp} names, fsync
 *       them; nothing a reader looks at changes.</li>
 *   <li>{@link #commit}: atomically rename the files to their final names, fsync the directory,
 *       write the version's manifest {@code snapshot-V.json} and then {@code LATEST} (each via a
 *       temporary file and an atomic rename), then delete versions beyond the newest
 *       {@code keepVersions}.</li>
 * </ol>
 * {@link #abort} deletes a pending snapshot; {@link #recover} (at startup) commits the pending
 * snapshots a restored checkpoint still holds and deletes every other leftover temporary file and
 * every final file no manifest names. So a crash at any point leaves either the old or the new
 * version visible, and {@code LATEST} never names a file that is missing or partial.
 *
 * <p>File names: {@code snapshot-000000000042.arrow}, {@code delta-000000000042.arrow} (changes
 * from the previous version to 42), {@code snapshot-000000000042.json}, {@code LATEST}. One writer
 * per directory (the job's single publisher task); any number of readers.
 */
public final class SnapshotDirectory {
    public static final String LATEST = "LATEST";
    private static final String TMP_SUFFIX = ".tmp";
    private static final long MAX_MANIFEST_BYTES = 16L << 20;
    private static final Pattern VERSIONED = Pattern.compile("(snapshot|delta)-(\\d{12})\\.(arrow|json)");

    private final Path dir;
    private final int keepVersions;

    /**
     * @param dir          the directory (created when missing)
     * @param keepVersions how many newest versions to keep (at least 1)
     */
    public SnapshotDirectory(Path dir, int keepVersions) throws IOException {
        if (keepVersions < 1) throw new IllegalArgumentException("keepVersions must be at least 1");
        this.dir = dir.toAbsolutePath();
        this.keepVersions = keepVersions;
        Files.createDirectories(this.dir);
    }

    public Path dir() { return dir; }
    public int keepVersions() { return keepVersions; }

    public static String snapshotFileName(long version) { return String.format(Locale.ROOT, "snapshot-%012d.arrow", version); }
    public static String deltaFileName(long version) { return String.format(Locale.ROOT, "delta-%012d.arrow", version); }
    public static String manifestFileName(long version) { return String.format(Locale.ROOT, "snapshot-%012d.json", version); }

    public Path resolve(String fileName) { return dir.resolve(fileName); }

    /**
     * Phase one: writes {@code rows} (and {@code delta}, the changes from
     * {@code metadata.baseVersion()}, may be null) under temporary names and forces them to disk.
     * Promotions and demotions in the manifest are counted from the delta (-1 when there is none).
     */
    public PendingSnapshot prepare(SnapshotMetadata metadata, SnapshotRows rows, SnapshotRows delta, RowLayout layout,
                                   WriteOptions options, CoverageCurve coverage) throws IOException {
        return prepare(metadata, rows, delta, layout, options, coverage, -1, -1);
    }

    /**
     * As {@link #prepare(SnapshotMetadata, SnapshotRows, SnapshotRows, RowLayout, WriteOptions, CoverageCurve)},
     * with the promotion and demotion counts given (used when no delta is written); counts from a
     * delta take precedence.
     */
    public PendingSnapshot prepare(SnapshotMetadata metadata, SnapshotRows rows, SnapshotRows delta, RowLayout layout,
                                   WriteOptions options, CoverageCurve coverage, long promotionsIfKnown,
                                   long demotionsIfKnown) throws IOException {
        if (metadata.kind() != SnapshotKind.FULL) throw new IllegalArgumentException("prepare takes full-snapshot metadata");
        if (delta != null && !delta.isDelta()) throw new IllegalArgumentException("delta rows expected");
        if (delta != null && metadata.baseVersion() <= 0) throw new IllegalArgumentException("a delta needs a previous version");
        long v = metadata.version();
        String finalName = snapshotFileName(v);
        String tmp = "." + finalName + TMP_SUFFIX;
        String tmpDelta = null;
        try {
            WrittenFile full = SnapshotWriter.write(dir.resolve(tmp), metadata, rows, layout, options);
            SnapshotManifest.DeltaFile deltaFile = null;
            long promotions = promotionsIfKnown, demotions = demotionsIfKnown;
            if (delta != null) {
                tmpDelta = "." + deltaFileName(v) + TMP_SUFFIX;
                WrittenFile d = SnapshotWriter.write(dir.resolve(tmpDelta), metadata.asDelta(), delta, layout, options);
                deltaFile = new SnapshotManifest.DeltaFile(deltaFileName(v), dir.resolve(deltaFileName(v)).toUri().toString(),
                        d.sha256(), d.bytes(), metadata.baseVersion(), d.rows());
                promotions = SnapshotDeltas.promotions(delta);
                demotions = SnapshotDeltas.demotions(delta);
            }
            SnapshotManifest m = new SnapshotManifest(SnapshotMetadata.FORMAT_VERSION, v,
                    metadata.baseVersion() > 0 ? metadata.baseVersion() : null, metadata.specFingerprint(),
                    metadata.canonicalMapFingerprint(), metadata.createdAtMillis(), metadata.source(), finalName,
                    dir.resolve(finalName).toUri().toString(), full.sha256(), full.bytes(), options.compressionLabel(),
                    full.hotRows(), full.warmRows(), promotions, demotions, deltaFile, metadata.budgets(), coverage);
            return new PendingSnapshot(m, tmp, tmpDelta);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(dir.resolve(tmp));
            if (tmpDelta != null) Files.deleteIfExists(dir.resolve(tmpDelta));
            throw e;
        }
    }

    /**
     * Phase two: makes a prepared snapshot visible. Idempotent (a second commit of the same
     * pending snapshot, e.g. after a restore, finds the files already renamed and only completes
     * the manifest steps). Never moves {@code LATEST} back to an older version.
     *
     * @throws IllegalStateException when neither the temporary nor the final files exist
     */
    public SnapshotManifest commit(PendingSnapshot pending) throws IOException {
        SnapshotManifest m = pending.manifest();
        moveIntoPlace(pending.tempFile(), m.file(), m.bytes());
        if (pending.tempDelta() != null) moveIntoPlace(pending.tempDelta(), m.delta().file(), m.delta().bytes());
        syncDirectory();
        writeAtomically(manifestFileName(m.version()), m.toJson());
        Optional<SnapshotManifest> latest = latest();
        if (latest.isEmpty() || latest.get().version() <= m.version()) writeAtomically(LATEST, m.toJson());
        applyRetention();
        return m;
    }

    /** Drops a prepared snapshot that will not be published. */
    public void abort(PendingSnapshot pending) throws IOException {
        Files.deleteIfExists(dir.resolve(pending.tempFile()));
        if (pending.tempDelta() != null) Files.deleteIfExists(dir.resolve(pending.tempDelta()));
    }

    /** Convenience for single-process use: prepare and commit at once. */
    public SnapshotManifest publish(SnapshotMetadata metadata, SnapshotRows rows, SnapshotRows delta, RowLayout layout,
                                    WriteOptions options, CoverageCurve coverage) throws IOException {
        return commit(prepare(metadata, rows, delta, layout, options, coverage));
    }

    /**
     * Startup recovery: commits {@code committable} (pending snapshots from a restored, completed
     * checkpoint; their temporary files must still exist or be already renamed), then deletes all
     * other temporary files and every snapshot/delta file that no retained manifest names.
     *
     * @return the manifests committed
     */
    public List<SnapshotManifest> recover(Collection<PendingSnapshot> committable) throws IOException {
        List<SnapshotManifest> done = new ArrayList<>();
        List<PendingSnapshot> sorted = new ArrayList<>(committable);
        sorted.sort((a, b) -> Long.compare(a.version(), b.version()));
        for (PendingSnapshot p : sorted) {
            try {
                done.add(commit(p));
            } catch (IllegalStateException gone) {
                // Its files were aborted or cleaned before; nothing to publish.
            }
        }
        Set<String> named = new HashSet<>();
        for (SnapshotManifest m : manifests()) {
            named.add(m.file());
            if (m.delta() != null) named.add(m.delta().file());
        }
        latest().ifPresent(m -> { named.add(m.file()); if (m.delta() != null) named.add(m.delta().file()); });
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(TMP_SUFFIX)) Files.deleteIfExists(p);
                else if (name.endsWith(".arrow") && VERSIONED.matcher(name).matches() && !named.contains(name)) Files.deleteIfExists(p);
            }
        }
        return done;
    }

    /** The manifest {@code LATEST} names, if any. */
    public Optional<SnapshotManifest> latest() throws IOException {
        return readLatest(dir);
    }

    /** Reads {@code LATEST} of a snapshot directory without opening it for writing. */
    public static Optional<SnapshotManifest> readLatest(Path dir) throws IOException {
        Path p = dir.resolve(LATEST);
        try {
            return Optional.of(readManifest(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Manifests are small JSON; anything huge or not UTF-8 is not one (and must not be read into memory). */
    private static SnapshotManifest readManifest(Path p) throws IOException {
        long size = Files.size(p);
        if (size > MAX_MANIFEST_BYTES) throw new IllegalArgumentException(p + ": " + size + " bytes is not a snapshot manifest");
        try {
            return SnapshotManifest.fromJson(Files.readString(p, StandardCharsets.UTF_8));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(p + ": not UTF-8 JSON, not a snapshot manifest", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
        }
    }

    /** Manifests of all retained versions, oldest first. */
    public List<SnapshotManifest> manifests() throws IOException {
        return listManifests(dir);
    }

    /** Manifests of all versions kept in {@code dir}, oldest first. */
    public static List<SnapshotManifest> listManifests(Path dir) throws IOException {
        TreeMap<Long, SnapshotManifest> byVersion = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "snapshot-*.json")) {
            for (Path p : ds) {
                Matcher mt = VERSIONED.matcher(p.getFileName().toString());
                if (!mt.matches()) continue;
                try {
                    SnapshotManifest m = readManifest(p);
                    byVersion.put(m.version(), m);
                } catch (NoSuchFileException raced) {
                    // Deleted by retention while listing.
                }
            }
        }
        return new ArrayList<>(byVersion.values());
    }

    /** One more than the newest version seen (LATEST or any manifest), 1 for an empty directory. */
    public long nextVersion() throws IOException {
        long max = latest().map(SnapshotManifest::version).orElse(0L);
        for (SnapshotManifest m : manifests()) max = Math.max(max, m.version());
        return max + 1;
    }

    /**
     * Reads the full snapshot {@code LATEST} names, after checking that the file is the one the
     * manifest describes (a plain name in this directory, its size and SHA-256): a damaged or
     * replaced file is an {@link IllegalArgumentException}, never rows half-accepted.
     */
    public Optional<Snapshot> readLatestSnapshot() throws IOException {
        Optional<SnapshotManifest> m = latest();
        if (m.isEmpty()) return Optional.empty();
        return Optional.of(readVerified(m.get()));
    }

    /** The full snapshot of a manifest, verified as in {@link #readLatestSnapshot()}. */
    public Snapshot readVerified(SnapshotManifest m) throws IOException {
        String name = m.file();
        if (!VERSIONED.matcher(name).matches()) {
            throw new IllegalArgumentException("manifest " + m.version() + " names '" + name + "', not a snapshot file of this directory");
        }
        Path f = dir.resolve(name);
        long size = Files.size(f);
        if (size != m.bytes()) {
            throw new IllegalArgumentException(name + " has " + size + " bytes but manifest " + m.version() + " says " + m.bytes());
        }
        String sha = Sha256.of(f);
        if (m.sha256() == null || !sha.equalsIgnoreCase(m.sha256())) {
            throw new IllegalArgumentException(name + " has sha256 " + sha + " but manifest " + m.version() + " says " + m.sha256());
        }
        return SnapshotReader.read(f);
    }

    private void moveIntoPlace(String tempName, String finalName, long expectedBytes) throws IOException {
        Path tmp = dir.resolve(tempName), fin = dir.resolve(finalName);
        if (Files.exists(tmp)) {
            atomicMove(tmp, fin);
        } else if (!Files.exists(fin) || Files.size(fin) != expectedBytes) {
            throw new IllegalStateException("pending snapshot file " + tempName + " is gone and " + finalName + " is not in place");
        }
    }

    private void writeAtomically(String name, String content) throws IOException {
        Path tmp = dir.resolve("." + name + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        atomicMove(tmp, dir.resolve(name));
        syncDirectory();
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system of " + to.getParent() + " cannot rename atomically; snapshots need a local or POSIX file system", e);
        }
    }

    private void syncDirectory() {
        // Makes renames durable on Linux; some platforms cannot open a directory, which only weakens durability.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private void applyRetention() throws IOException {
        List<SnapshotManifest> all = manifests();
        long latestVersion = latest().map(SnapshotManifest::version).orElse(Long.MAX_VALUE);
        int drop = all.size() - keepVersions;
        for (int i = 0; i < drop; i++) {
            SnapshotManifest m = all.get(i);
            if (m.version() >= latestVersion) break;
            // Manifest first, so no retained manifest ever names a deleted file.
            Files.deleteIfExists(dir.resolve(manifestFileName(m.version())));
            Files.deleteIfExists(dir.resolve(m.file()));
            if (m.delta() != null) Files.deleteIfExists(dir.resolve(m.delta().file()));
        }
    }
}
