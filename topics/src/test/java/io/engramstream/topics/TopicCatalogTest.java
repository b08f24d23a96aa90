package io.engramstream.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.cli.UserError;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.DeadLetter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicCatalogTest {

    @Test
    void theCatalogListsEveryTopicOnTheBus() {
        TopicCatalog c = TopicCatalog.defaults();
        assertEquals(List.of(TopicCatalog.CORPUS_TEXT, TopicCatalog.CORPUS_TOKENS, TopicCatalog.INFERENCE_TRAFFIC,
                TopicCatalog.INFERENCE_REQUESTS, TopicCatalog.INFERENCE_RESPONSES, TopicCatalog.SNAPSHOT_MANIFESTS,
                TopicCatalog.DEAD_LETTERS), c.names());
        assertEquals("engram.corpus.tokens", c.topicFor(CorpusTokens.class).name());
        assertEquals("engram.deadletters", c.topicFor(DeadLetter.class).name());
    }

    @Test
    void theManifestTopicIsCompactedAndKeyedBySpec() {
        TopicSpec m = TopicCatalog.defaults().topic(TopicCatalog.SNAPSHOT_MANIFESTS);
        assertTrue(m.compacted());
        assertEquals("compact", m.configs().get("cleanup.policy"));
        assertEquals("specFingerprint", m.key());
        assertEquals("SnapshotManifest", m.valueSchema());
        assertEquals(String.valueOf(7L * 24 * 3600 * 1000),
                TopicCatalog.defaults().topic(TopicCatalog.CORPUS_TOKENS).configs().get("retention.ms"));
    }

    @Test
    void anOverrideChangesOnlyWhatItGives(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.yaml");
        Files.writeString(f, """
                topics:
                  - name: engram.corpus.tokens
                    partitions: 96
                    configs:
                      segment.bytes: "536870912"
                """);
        TopicCatalog c = TopicCatalog.load(f);
        TopicSpec t = c.topic(TopicCatalog.CORPUS_TOKENS);
        assertEquals(96, t.partitions());
        assertEquals(3, t.replication());
        assertEquals("536870912", t.configs().get("segment.bytes"));
        assertEquals(TopicCatalog.defaults().topic(TopicCatalog.CORPUS_TEXT), c.topic(TopicCatalog.CORPUS_TEXT));
    }

    @Test
    void mistakesInAnOverrideAreOneLineUserErrors(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "topics:\n  - name: engram.corpus.tokenz\n    partitions: 3\n");
        assertTrue(assertThrows(UserError.class, () -> TopicCatalog.load(typo)).getMessage().contains("not in the catalog"));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "topics:\n  - name: engram.corpus.tokens\n    partitions: 0\n");
        assertTrue(assertThrows(UserError.class, () -> TopicCatalog.load(bad)).getMessage().contains("partitions"));
        Path field = dir.resolve("field.yaml");
        Files.writeString(field, "topics:\n  - name: engram.corpus.tokens\n    partition: 3\n");
        assertTrue(assertThrows(UserError.class, () -> TopicCatalog.load(field)).getMessage().contains("unknown field 'partition'"));
        assertThrows(UserError.class, () -> TopicCatalog.load(dir.resolve("missing.yaml")));
    }

    @Test
    void replicationIsCappedForSmallClusters() {
        TopicCatalog c = TopicCatalog.defaults().capReplication(1);
        assertTrue(c.topics().stream().allMatch(t -> t.replication() == 1));
    }
}
