package io.engramstream.topics.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fixture can take its broker away and bring it back on the same address, data kept (for fault tests). */
class KafkaBrokerRestartTest {

    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    @Test
    void aStoppedBrokerComesBackOnTheSameAddressWithItsData() throws Exception {
        KAFKA.createTopic("fixture.restart", 1);
        KAFKA.produce("fixture.restart", List.of("before".getBytes(UTF_8)));
        String address = KAFKA.bootstrapServers();

        KAFKA.stopBroker();
        Properties p = new Properties();
        p.putAll(KAFKA.clientProperties());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000);
        try (Admin a = Admin.create(p)) {
            ExecutionException gone = assertThrows(ExecutionException.class, () -> a.listTopics().names().get(10, TimeUnit.SECONDS));
            assertEquals(org.apache.kafka.common.errors.TimeoutException.class, gone.getCause().getClass());
        }

        KAFKA.startBroker();
        assertEquals(address, KAFKA.bootstrapServers());
        KAFKA.produce("fixture.restart", List.of("after".getBytes(UTF_8)));
        assertEquals(List.of("before", "after"), KAFKA.consume("fixture.restart", 2, Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), UTF_8)).toList());
    }
}
