package io.engramstream.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusText;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.CoverageSummary;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.schemas.DeadLetters;
import io.engramstream.schemas.ErrorKind;
import io.engramstream.schemas.InferenceRequest;
import io.engramstream.schemas.InferenceResponse;
import io.engramstream.schemas.InferenceTraffic;
import io.engramstream.schemas.RecordCodec;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.ResponseStatus;
import io.engramstream.schemas.SnapshotManifest;
import io.engramstream.schemas.SourceOffset;
import io.engramstream.schemas.TierBudgets;
import io.engramstream.schemas.TierRows;
import io.engramstream.schemas.TokenIds;
import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every record kind goes through a real broker on its catalog topic and comes back equal; bad bytes become dead letters. */
class SchemaBrokerRoundTripTest {

    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    private static final Instant T = Instant.ofEpochMilli(1_700_000_000_000L);

    @BeforeAll
    static void topics() {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(KAFKA.clientProperties())) {
            new TopicAdmin(admin, TopicCatalog.defaults(), 30_000).apply(false);
        }
    }

    static Map<String, SpecificRecord> samples() {
        return Map.of(
                TopicCatalog.CORPUS_TEXT, CorpusText.newBuilder().setDocumentId("d1").setSource("s").setLanguage("fr")
                        .setText("Bonjour à tous").setEventTime(T).build(),
                TopicCatalog.CORPUS_TOKENS, CorpusTokens.newBuilder().setDocumentId("d1").setSource("s").setTokenizerId("o200k_base")
                        .setTokenIds(TokenIds.pack(new int[] {1, 2, 200_000})).setChunkIndex(2).setLastChunk(false).setEventTime(T).build(),
                TopicCatalog.INFERENCE_TRAFFIC, InferenceTraffic.newBuilder().setRequestId("r1").setSpecFingerprint("0011223344556677")
                        .setPromptTokenIds(TokenIds.pack(new int[] {4, 5})).setGeneratedTokenIds(TokenIds.pack(new int[] {6}))
                        .setEventTime(T).build(),
                TopicCatalog.INFERENCE_REQUESTS, InferenceRequest.newBuilder().setRequestId("r2").setPrompt("hi")
                        .setPromptTokenIds(TokenIds.pack(new int[0])).setMaxNewTokens(8).setEventTime(T).build(),
                TopicCatalog.INFERENCE_RESPONSES, InferenceResponse.newBuilder().setRequestId("r2").setStatus(ResponseStatus.OK)
                        .setSpecFingerprint("0011223344556677").setGeneratedTokenIds(TokenIds.pack(new int[] {7, 8}))
                        .setHotLookups(3).setEventTime(T).build(),
                TopicCatalog.SNAPSHOT_MANIFESTS, SnapshotManifest.newBuilder().setVersion(1)
                        .setSpecFingerprint("0011223344556677").setCanonicalMapFingerprint("aa").setCreatedTime(T)
                        .setSourceOffsets(List.of(new SourceOffset("engram.corpus.tokens", 0, 10L)))
                        .setFileUri("file:///tmp/v1.arrow").setSha256("00").setBytes(10)
                        .setRowsPerTier(new TierRows(1L, 2L, 3L)).setBudgets(new TierBudgets(1L, 2L, -1L, 4, null, null))
                        .setCoverage(new CoverageSummary(10L, 6L, 0.5, 0.3)).build(),
                TopicCatalog.DEAD_LETTERS, DeadLetters.of("x", 1, 2, new byte[] {9}, ErrorKind.OTHER, "why", T));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(SpecificRecord r) {
        return ((RecordCodec) Codecs.forClass(r.getClass())).encode(r);
    }

    @Test
    void everyRecordKindRoundTripsThroughItsTopic() throws Exception {
        for (Map.Entry<String, SpecificRecord> e : samples().entrySet()) {
            String topic = e.getKey();
            SpecificRecord r = e.getValue();
            assertEquals(r.getSchema().getName(), TopicCatalog.defaults().topic(topic).valueSchema());
            KAFKA.produce(topic, "k".getBytes(StandardCharsets.UTF_8), encode(r));
            List<ConsumerRecord<byte[], byte[]>> got = KAFKA.consume(topic, 1, Duration.ofSeconds(30));
            assertEquals(1, got.size(), topic);
            assertEquals(r, Codecs.forName(r.getSchema().getName()).decode(got.get(0).value()), topic);
        }
    }

    @Test
    void badBytesOnATopicBecomeATypedErrorAndADeadLetter() throws Exception {
        String topic = "roundtrip.bad";
        KAFKA.createTopic(topic, 1);
        byte[] valid = Codecs.CORPUS_TOKENS.encode((CorpusTokens) samples().get(TopicCatalog.CORPUS_TOKENS));
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 3);
        KAFKA.produce(topic, List.of("garbage!".getBytes(StandardCharsets.UTF_8), truncated));
        List<ConsumerRecord<byte[], byte[]>> got = KAFKA.consume(topic, 2, Duration.ofSeconds(30));
        assertEquals(2, got.size());
        for (ConsumerRecord<byte[], byte[]> r : got) {
            RecordDecodeException e = assertThrows(RecordDecodeException.class, () -> Codecs.CORPUS_TOKENS.decode(r.value()));
            DeadLetter d = DeadLetters.of(r.topic(), r.partition(), r.offset(), r.value(), e);
            KAFKA.produce(TopicCatalog.DEAD_LETTERS, r.topic().getBytes(StandardCharsets.UTF_8), Codecs.DEAD_LETTER.encode(d));
        }
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.consume(TopicCatalog.DEAD_LETTERS, 10, Duration.ofSeconds(5));
        List<DeadLetter> ours = dead.stream().map(r -> {
            try {
                return Codecs.DEAD_LETTER.decode(r.value());
            } catch (RecordDecodeException e) {
                throw new AssertionError(e);
            }
        }).filter(d -> d.getSourceTopic().equals(topic)).toList();
        assertEquals(2, ours.size());
        assertEquals(ErrorKind.BAD_HEADER, ours.get(0).getErrorKind());
        assertEquals(0L, ours.get(0).getSourceOffset());
        assertEquals(ErrorKind.TRUNCATED, ours.get(1).getErrorKind());
        assertEquals(1L, ours.get(1).getSourceOffset());
        assertEquals(truncated.length, ours.get(1).getRawLength());
    }
}
