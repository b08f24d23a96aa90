package io.engramstream.snapshot;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default file system, but the process "dies" at the k-th change it makes: that operation
 * (open for writing, write, force, move, delete, create directory) fails with an IOException, and
 * so does every change after it (a dead process changes nothing). Reads keep working, like a
 * second process looking at the disk. Lets a test crash code that only sees {@link Path}s at
 * every step of a protocol, one step later each time.
 */
public final class CrashingFileSystem extends FileSystem {
    public static final class Crash extends IOException {
        private static final long serialVersionUID = 1L;
        Crash(String what) { super("simulated crash at " + what); }
    }

    private final FileSystem real = FileSystems.getDefault();
    private final Provider provider = new Provider();
    private final AtomicInteger changesLeft;
    private final AtomicInteger changes = new AtomicInteger();
    private volatile boolean crashed;

    /** @param crashAt the 1-based change that crashes; 0 or less never crashes (counts only) */
    public CrashingFileSystem(int crashAt) {
        this.changesLeft = new AtomicInteger(crashAt <= 0 ? Integer.MAX_VALUE : crashAt);
    }

    /** A path of this file system for a real path. */
    public Path wrap(Path p) { return p == null ? null : new CPath(this, p); }

    public boolean crashed() { return crashed; }

    /** Changes made or attempted so far. */
    int changes() { return changes.get(); }

    private void change(String what) throws IOException {
        changes.incrementAndGet();
        if (crashed || changesLeft.decrementAndGet() <= 0) {
            crashed = true;
            throw new Crash(what);
        }
    }

    static Path unwrap(Path p) {
        return p instanceof CPath c ? c.real : p;
    }

    @Override public FileSystemProvider provider() { return provider; }
    @Override public void close() {}
    @Override public boolean isOpen() { return true; }
    @Override public boolean isReadOnly() { return false; }
    @Override public String getSeparator() { return real.getSeparator(); }
    @Override public Iterable<Path> getRootDirectories() { return () -> java.util.stream.StreamSupport.stream(real.getRootDirectories().spliterator(), false).map(this::wrap).iterator(); }
    @Override public Iterable<FileStore> getFileStores() { return real.getFileStores(); }
    @Override public Set<String> supportedFileAttributeViews() { return real.supportedFileAttributeViews(); }
    @Override public Path getPath(String first, String... more) { return wrap(real.getPath(first, more)); }
    @Override public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = real.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(unwrap(p));
    }
    @Override public UserPrincipalLookupService getUserPrincipalLookupService() { return real.getUserPrincipalLookupService(); }
    @Override public WatchService newWatchService() throws IOException { return real.newWatchService(); }

    /** A path that routes every operation through the crashing provider. */
    static final class CPath implements Path {
        final CrashingFileSystem fs;
        final Path real;

        CPath(CrashingFileSystem fs, Path real) { this.fs = fs; this.real = real; }

        private Path w(Path p) { return fs.wrap(p); }

        @Override public FileSystem getFileSystem() { return fs; }
        @Override public boolean isAbsolute() { return real.isAbsolute(); }
        @Override public Path getRoot() { return w(real.getRoot()); }
        @Override public Path getFileName() { return w(real.getFileName()); }
        @Override public Path getParent() { return w(real.getParent()); }
        @Override public int getNameCount() { return real.getNameCount(); }
        @Override public Path getName(int index) { return w(real.getName(index)); }
        @Override public Path subpath(int b, int e) { return w(real.subpath(b, e)); }
        @Override public boolean startsWith(Path other) { return real.startsWith(unwrap(other)); }
        @Override public boolean endsWith(Path other) { return real.endsWith(unwrap(other)); }
        @Override public Path normalize() { return w(real.normalize()); }
        @Override public Path resolve(Path other) { return w(real.resolve(unwrap(other))); }
        @Override public Path relativize(Path other) { return w(real.relativize(unwrap(other))); }
        @Override public URI toUri() { return real.toUri(); }
        @Override public Path toAbsolutePath() { return w(real.toAbsolutePath()); }
        @Override public Path toRealPath(LinkOption... options) throws IOException { return w(real.toRealPath(options)); }
        @Override public WatchKey register(WatchService ws, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) throws IOException {
            return real.register(ws, events, modifiers);
        }
        @Override public int compareTo(Path other) { return real.compareTo(unwrap(other)); }
        @Override public boolean equals(Object o) { return o instanceof CPath c && c.real.equals(real); }
        @Override public int hashCode() { return real.hashCode(); }
        @Override public String toString() { return real.toString(); }
        @Override public Iterator<Path> iterator() {
            Iterator<Path> it = real.iterator();
            return new Iterator<>() {
                @Override public boolean hasNext() { return it.hasNext(); }
                @Override public Path next() { return w(it.next()); }
            };
        }
    }

    private final class Provider extends FileSystemProvider {
        private final FileSystemProvider d = real.provider();

        private boolean writes(Set<? extends OpenOption> options) {
            return options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)
                    || options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW);
        }

        @Override public String getScheme() { return "crashing"; }
        @Override public FileSystem newFileSystem(URI uri, Map<String, ?> env) { throw new UnsupportedOperationException(); }
        @Override public FileSystem getFileSystem(URI uri) { return CrashingFileSystem.this; }
        @Override public Path getPath(URI uri) { return wrap(d.getPath(uri)); }

        @Override public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
            return newFileChannel(path, options, attrs);
        }

        @Override public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
            if (writes(options)) change("open " + unwrap(path).getFileName() + " for writing");
            FileChannel ch = d.newFileChannel(unwrap(path), options, attrs);
            return writes(options) ? new CrashingChannel(ch, unwrap(path).getFileName().toString()) : ch;
        }

        @Override public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
            DirectoryStream<Path> s = d.newDirectoryStream(unwrap(dir), p -> filter.accept(wrap(p)));
            return new DirectoryStream<>() {
                @Override public Iterator<Path> iterator() {
                    Iterator<Path> it = s.iterator();
                    return new Iterator<>() {
                        @Override public boolean hasNext() { return it.hasNext(); }
                        @Override public Path next() { return wrap(it.next()); }
                    };
                }
                @Override public void close() throws IOException { s.close(); }
            };
        }

        @Override public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
            if (java.nio.file.Files.exists(unwrap(dir))) throw new java.nio.file.FileAlreadyExistsException(dir.toString()); // no change
            change("mkdir " + unwrap(dir).getFileName());
            d.createDirectory(unwrap(dir), attrs);
        }

        @Override public void delete(Path path) throws IOException {
            change("delete " + unwrap(path).getFileName());
            d.delete(unwrap(path));
        }

        @Override public void copy(Path source, Path target, CopyOption... options) throws IOException {
            change("copy to " + unwrap(target).getFileName());
            d.copy(unwrap(source), unwrap(target), options);
        }

        @Override public void move(Path source, Path target, CopyOption... options) throws IOException {
            change("rename " + unwrap(source).getFileName() + " -> " + unwrap(target).getFileName());
            d.move(unwrap(source), unwrap(target), options);
        }

        @Override public boolean isSameFile(Path a, Path b) throws IOException { return d.isSameFile(unwrap(a), unwrap(b)); }
        @Override public boolean isHidden(Path path) throws IOException { return d.isHidden(unwrap(path)); }
        @Override public FileStore getFileStore(Path path) throws IOException { return d.getFileStore(unwrap(path)); }
        @Override public void checkAccess(Path path, AccessMode... modes) throws IOException { d.checkAccess(unwrap(path), modes); }
        @Override public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
            return d.getFileAttributeView(unwrap(path), type, options);
        }
        @Override public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
            return d.readAttributes(unwrap(path), type, options);
        }
        @Override public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
            return d.readAttributes(unwrap(path), attributes, options);
        }
        @Override public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
            change("chattr " + unwrap(path).getFileName());
            d.setAttribute(unwrap(path), attribute, value, options);
        }
    }

    /** A channel whose writes and forces are changes too: a crash can land in the middle of a file. */
    private final class CrashingChannel extends FileChannel {
        private final FileChannel ch;
        private final String name;

        CrashingChannel(FileChannel ch, String name) { this.ch = ch; this.name = name; }

        @Override public int read(java.nio.ByteBuffer dst) throws IOException { return ch.read(dst); }
        @Override public long read(java.nio.ByteBuffer[] dsts, int offset, int length) throws IOException { return ch.read(dsts, offset, length); }
        @Override public int write(java.nio.ByteBuffer src) throws IOException { change("write " + name); return ch.write(src); }
        @Override public long write(java.nio.ByteBuffer[] srcs, int offset, int length) throws IOException { change("write " + name); return ch.write(srcs, offset, length); }
        @Override public long position() throws IOException { return ch.position(); }
        @Override public FileChannel position(long p) throws IOException { ch.position(p); return this; }
        @Override public long size() throws IOException { return ch.size(); }
        @Override public FileChannel truncate(long size) throws IOException { change("truncate " + name); ch.truncate(size); return this; }
        @Override public void force(boolean metaData) throws IOException { change("fsync " + name); ch.force(metaData); }
        @Override public long transferTo(long position, long count, java.nio.channels.WritableByteChannel target) throws IOException { return ch.transferTo(position, count, target); }
        @Override public long transferFrom(java.nio.channels.ReadableByteChannel src, long position, long count) throws IOException { change("write " + name); return ch.transferFrom(src, position, count); }
        @Override public int read(java.nio.ByteBuffer dst, long position) throws IOException { return ch.read(dst, position); }
        @Override public int write(java.nio.ByteBuffer src, long position) throws IOException { change("write " + name); return ch.write(src, position); }
        @Override public java.nio.MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return ch.map(mode, position, size); }
        @Override public java.nio.channels.FileLock lock(long position, long size, boolean shared) throws IOException { return ch.lock(position, size, shared); }
        @Override public java.nio.channels.FileLock tryLock(long position, long size, boolean shared) throws IOException { return ch.tryLock(position, size, shared); }
        @Override protected void implCloseChannel() throws IOException { ch.close(); }
    }
}
