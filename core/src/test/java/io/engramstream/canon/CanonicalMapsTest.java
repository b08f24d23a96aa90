package io.engramstream.canon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build-once caching, in memory and on disk, with a private cache directory. */
class CanonicalMapsTest {
    @TempDir Path cache;

    @AfterEach
    void restore() { System.clearProperty("engram.cache"); }

    private List<Path> cachedMaps() throws IOException {
        try (Stream<Path> s = Files.list(cache.resolve("canon"))) {
            return s.filter(p -> p.toString().endsWith(".cmap")).toList();
        }
    }

    @Test
    void builtOnceThenServedFromMemoryAndDisk() throws IOException {
        System.setProperty("engram.cache", cache.toString());
        // p50k_base: not used by other tests, so the in-memory cache starts empty for it.
        CanonicalMap first = CanonicalMaps.forId("p50k_base");
        assertSame(first, CanonicalMaps.forId("p50k_base"));
        List<Path> files = cachedMaps();
        assertEquals(1, files.size());
        assertTrue(files.get(0).getFileName().toString().startsWith("p50k_base-"));
        CanonicalMap onDisk = CanonicalMap.load(files.get(0));
        assertEquals(first.fingerprint(), onDisk.fingerprint());
        assertEquals(TokenNormalizer.VERSION, onDisk.normalizerVersion());
        assertEquals(RawKeyConvention.TIKTOKEN_BASE64.id(), onDisk.rawKeyConvention());
        // A saved map can be named by its path.
        assertArrayEquals(first.toArray(), CanonicalMaps.forId(files.get(0).toString()).toArray());
    }

    @Test
    void damagedCacheFileIsRebuilt() throws IOException {
        System.setProperty("engram.cache", cache.toString());
        Path tokenizerJson = cache.resolve("tiny-tokenizer.json");
        Files.writeString(tokenizerJson, TinyTokenizerJson.TEXT);
        CanonicalMap built = CanonicalMaps.forId(tokenizerJson.toString());
        Path cached = cachedMaps().get(0);
        byte[] bytes = Files.readAllBytes(cached);
        bytes[bytes.length - 20] ^= 0x55;   // flip bits inside the gzip body
        Files.write(cached, bytes);
        assertThrows(UserError.class, () -> CanonicalMap.load(cached));
        // A fresh JVM would find the damaged file; simulate by loading through the private path.
        CanonicalMap rebuilt = CanonicalMaps.loadOrBuild(tokenizerJson.toString());
        assertArrayEquals(built.toArray(), rebuilt.toArray());
        assertEquals(built.fingerprint(), CanonicalMap.load(cached).fingerprint());
    }

    @Test
    void unknownNamesAreUserErrors() {
        UserError e = assertThrows(UserError.class, () -> CanonicalMaps.forId("no-such-vocabulary"));
        assertTrue(e.getMessage().contains("unknown vocabulary"), e.getMessage());
    }
}
