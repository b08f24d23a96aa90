package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanonicalMapTest {
    static final String SHA = "ab".repeat(32);

    static CanonicalMap sample() {
        return new CanonicalMap(new int[] {0, 1, 0, 2, 1, 3}, "sample", SHA, "hf-token", "test-normalizer");
    }

    @Test
    void mapsAndSizes() {
        CanonicalMap m = sample();
        assertEquals(6, m.oldVocabSize());
        assertEquals(4, m.canonicalVocabSize());
        assertEquals(2, m.map(3));
        int[] ids = {9, 5, 3, 0, 9};
        m.mapInPlace(ids, 1, 3);
        assertArrayEquals(new int[] {9, 3, 2, 0, 9}, ids);
        assertEquals(1 - 4 / 6.0, m.reduction(), 1e-12);
    }

    @Test
    void fingerprintFollowsTheDocumentedFormula() throws Exception {
        int[] lookup = {0, 1, 0, 2, 1, 3};
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(("engram-canonical-map/1\n" + SHA + "\n6\n4\n").getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : lookup) b.putInt(v);
        d.update(b.array());
        assertEquals(HexFormat.of().formatHex(d.digest()).substring(0, 16), sample().fingerprint());
        // Names what the ids mean, not how they were computed or labelled.
        assertEquals(sample().fingerprint(), new CanonicalMap(lookup, "other-name", SHA, "x", "y").fingerprint());
        assertTrue(!sample().fingerprint().equals(new CanonicalMap(new int[] {0, 1, 0, 2, 1, 2, 3}, "s", SHA, "x", "y").fingerprint()));
    }

    @Test
    void saveLoadRoundTripAndFileLayout(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.cmap");
        CanonicalMap m = sample();
        m.save(f);
        CanonicalMap back = CanonicalMap.load(f);
        assertArrayEquals(m.toArray(), back.toArray());
        assertEquals(m.fingerprint(), back.fingerprint());
        assertEquals("sample", back.vocabularyId());
        assertEquals(SHA, back.vocabularySha256());
        assertEquals("hf-token", back.rawKeyConvention());
        assertEquals("test-normalizer", back.normalizerVersion());

        byte[] bytes = Files.readAllBytes(f);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("ENGRAM-CANONICAL-MAP 1\n{\"format_version\":1,"), text.substring(0, 40));
        int body = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
        try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes, body, bytes.length - body))) {
            ByteBuffer lookup = ByteBuffer.wrap(gz.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(24, lookup.capacity());
            assertEquals(2, lookup.getInt(3 * 4));
        }
    }

    @Test
    void damagedFilesAreRejected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.cmap");
        sample().save(f);
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);

        Path wrongFingerprint = dir.resolve("fp.cmap");
        Files.writeString(wrongFingerprint, text.replace(sample().fingerprint(), "0000000000000000"), StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(UserError.class, () -> CanonicalMap.load(wrongFingerprint)).getMessage().contains("fingerprint"));

        Path otherBody = dir.resolve("body.cmap");
        int body = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(text.substring(0, body).getBytes(StandardCharsets.ISO_8859_1));
        try (var gz = new java.util.zip.GZIPOutputStream(o)) {
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : new int[] {0, 1, 1, 2, 1, 3}) b.putInt(v);
            gz.write(b.array());
        }
        Files.write(otherBody, o.toByteArray());
        assertTrue(assertThrows(UserError.class, () -> CanonicalMap.load(otherBody)).getMessage().contains("fingerprint"));

        Path truncated = dir.resolve("trunc.cmap");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(f), body + 12));
        assertThrows(UserError.class, () -> CanonicalMap.load(truncated));

        Path foreign = dir.resolve("foreign.cmap");
        Files.writeString(foreign, "{\"lookup\": [0, 1]}\n");
        assertTrue(assertThrows(UserError.class, () -> CanonicalMap.load(foreign)).getMessage().contains("not an engram canonical map"));

        Path future = dir.resolve("future.cmap");
        Files.writeString(future, text.replaceFirst("ENGRAM-CANONICAL-MAP 1", "ENGRAM-CANONICAL-MAP 9"), StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(UserError.class, () -> CanonicalMap.load(future)).getMessage().contains("version 9"));

        assertThrows(UserError.class, () -> CanonicalMap.load(dir.resolve("missing.cmap")));
    }
}
