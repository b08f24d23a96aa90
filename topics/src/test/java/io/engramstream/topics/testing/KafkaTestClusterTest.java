package io.engramstream.topics.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaTestClusterTest {

    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @Test
    void producedRecordsComeBackInOrderPerPartition() {
        KAFKA.createTopic("fixture.roundtrip", 1);
        KAFKA.produce("fixture.roundtrip", List.of("a".getBytes(UTF_8), "b".getBytes(UTF_8), "c".getBytes(UTF_8)));
        List<ConsumerRecord<byte[], byte[]>> got = KAFKA.consume("fixture.roundtrip", 3, Duration.ofSeconds(30));
        assertEquals(List.of("a", "b", "c"), got.stream().map(r -> new String(r.value(), UTF_8)).toList());
    }

    @Test
    void createTopicAppliesPartitionsAndConfigsAndIsIdempotent() throws Exception {
        KAFKA.createTopic("fixture.compacted", 3, Map.of("cleanup.policy", "compact"));
        KAFKA.createTopic("fixture.compacted", 3, Map.of("cleanup.policy", "compact"));
        assertEquals(3, KAFKA.partitionCount("fixture.compacted"));
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "fixture.compacted");
        ConfigEntry e = KAFKA.admin().describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy");
        assertEquals("compact", e.value());
    }

    @Test
    void describingAMissingTopicFails() {
        assertThrows(IllegalStateException.class, () -> KAFKA.partitionCount("fixture.no-such-topic"));
    }
}
