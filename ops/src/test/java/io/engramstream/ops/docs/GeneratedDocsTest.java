package io.engramstream.ops.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.config.EngramOption;
import io.engramstream.placement.PlacementOptions;
import io.engramstream.stats.job.StatsJobOptions;
import io.engramstream.store.StoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/configuration.md and docs/cli.md are what the generators write today (regenerate with engram docs config|cli). */
class GeneratedDocsTest {
    static Path projectDir() {
        return Path.of(System.getProperty("engram.project.dir", ".."));
    }

    @Test
    void scanFindsTheOptionsOfEveryModule() {
        Set<String> keys = new HashSet<>();
        for (OptionCatalog.Owner o : OptionCatalog.scan()) for (EngramOption<?> opt : o.options()) keys.add(o.type().getName() + "#" + opt.key());
        for (EngramOption<?> o : List.of(StatsJobOptions.SHARDS, StatsJobOptions.KAFKA_BOUNDED, PlacementOptions.HOT_BYTES,
                StatsJobOptions.PUBLISH_INTERVAL)) {
            assertTrue(keys.stream().anyMatch(k -> k.endsWith("#" + o.key())), o.key());
        }
        assertTrue(keys.stream().anyMatch(k -> k.startsWith(StoreOptions.class.getName() + "#")), "store options");
    }

    @Test
    void configurationReferenceIsCurrent() throws Exception {
        Path doc = projectDir().resolve("docs").resolve("configuration.md");
        String expected = ConfigReference.markdown(OptionCatalog.scan());
        assertTrue(Files.isRegularFile(doc), doc + " is missing: run ./engram docs config --out docs/configuration.md");
        assertEquals(expected, Files.readString(doc, StandardCharsets.UTF_8),
                "docs/configuration.md is stale: run ./engram docs config --out docs/configuration.md");
    }

    @Test
    void cliReferenceIsCurrent() throws Exception {
        Path doc = projectDir().resolve("docs").resolve("cli.md");
        assertTrue(Files.isRegularFile(doc), doc + " is missing: run ./engram docs cli --out docs/cli.md");
        assertEquals(CliReference.markdown(), Files.readString(doc, StandardCharsets.UTF_8),
                "docs/cli.md is stale: run ./engram docs cli --out docs/cli.md");
    }
}
