package io.engramstream.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.engramstream.topics.testing.KafkaTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** engram topics apply / verify / describe against a real broker. Tests share one cluster, in order. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicsCommandsTest {

    @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

    private static CliRunner.Result engram(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--bootstrap";
        all[args.length + 1] = KAFKA.bootstrapServers();
        return CliRunner.run(all);
    }

    @Test @Order(1)
    void verifyOnAnEmptyClusterReportsEveryTopicMissing() {
        CliRunner.Result r = engram("topics", "verify");
        assertEquals(3, r.exit(), r.out() + r.err());
        for (String t : TopicCatalog.defaults().names()) assertTrue(r.out().contains(t + ": existence is missing"), r.out());
    }

    @Test @Order(2)
    void applyCreatesEveryTopicAsTheCatalogSays() throws Exception {
        CliRunner.Result r = engram("topics", "apply");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("7 topics in sync (7 created, 0 already present)"), r.out());

        Map<String, TopicDescription> d = KAFKA.admin().describeTopics(TopicCatalog.defaults().names()).allTopicNames().get();
        assertEquals(12, d.get("engram.corpus.tokens").partitions().size());
        assertEquals(1, d.get("engram.snapshot.manifests").partitions().size());
        ConfigResource m = new ConfigResource(ConfigResource.Type.TOPIC, "engram.snapshot.manifests");
        Config c = KAFKA.admin().describeConfigs(List.of(m)).all().get().get(m);
        assertEquals("compact", c.get("cleanup.policy").value());
        ConfigResource dl = new ConfigResource(ConfigResource.Type.TOPIC, "engram.deadletters");
        assertEquals(String.valueOf(30L * 86_400_000L),
                KAFKA.admin().describeConfigs(List.of(dl)).all().get().get(dl).get("retention.ms").value());
    }

    @Test @Order(3)
    void applyTwiceIsANoOpAndVerifyPasses() {
        CliRunner.Result again = engram("topics", "apply");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("(0 created, 7 already present)"), again.out());
        assertTrue(!again.out().contains("created engram"), again.out());
        CliRunner.Result v = engram("topics", "verify");
        assertEquals(0, v.exit(), v.out() + v.err());
        assertTrue(v.out().contains("7 topics in sync"), v.out());
    }

    @Test @Order(4)
    void verifyCatchesHandMadeDriftAndApplyFixesOnlyConfigsOnRequest() throws Exception {
        // Drift 1: someone changed a topic's retention by hand.
        ConfigResource tokens = new ConfigResource(ConfigResource.Type.TOPIC, "engram.corpus.tokens");
        KAFKA.admin().incrementalAlterConfigs(Map.of(tokens, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET)))).all().get();
        // Drift 2: a topic re-created by hand with the wrong partition count.
        KAFKA.admin().deleteTopics(List.of("engram.inference.requests")).all().get();
        waitUntilGone("engram.inference.requests");
        KAFKA.createTopic("engram.inference.requests", 2);
        waitUntilListed("engram.inference.requests");

        CliRunner.Result v = engram("topics", "verify");
        assertEquals(3, v.exit(), v.out() + v.err());
        assertTrue(v.out().contains("engram.corpus.tokens: retention.ms is 60000, catalog says 604800000"), v.out());
        assertTrue(v.out().contains("engram.inference.requests: partitions is 2, catalog says 6"), v.out());

        CliRunner.Result d = engram("topics", "describe");
        assertEquals(3, d.exit(), d.out());
        assertTrue(d.out().contains("DRIFT engram.corpus.tokens: retention.ms"), d.out());

        CliRunner.Result fix = engram("topics", "apply", "--alter-configs");
        assertEquals(3, fix.exit(), fix.out());
        assertTrue(fix.out().contains("altered configs of engram.corpus.tokens"), fix.out());
        CliRunner.Result after = engram("topics", "verify");
        assertTrue(!after.out().contains("retention.ms"), after.out());
        assertTrue(after.out().contains("1 drift(s)"), after.out());
    }

    @Test @Order(5)
    void theCommandConfigFileReachesTheClient(@TempDir Path dir) throws Exception {
        // A client that speaks SSL cannot talk to this plaintext broker: proof the file is used.
        Path ssl = dir.resolve("ssl.properties");
        Files.writeString(ssl, "security.protocol=SSL\n");
        CliRunner.Result r = engram("topics", "verify", "--command-config", ssl.toString(), "--timeout", "3s");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("could not"), r.err());
        // And harmless settings leave it working.
        Path ok = dir.resolve("ok.properties");
        Files.writeString(ok, "client.id=engram-test\nsecurity.protocol=PLAINTEXT\n");
        CliRunner.Result fine = engram("topics", "describe", "--command-config", ok.toString());
        assertTrue(fine.out().contains("engram.corpus.text"), fine.out() + fine.err());
    }

    @Test @Order(6)
    void anUnreachableBrokerIsAOneLineError() {
        CliRunner.Result r = CliRunner.run("topics", "verify", "--bootstrap", "127.0.0.1:1", "--timeout", "2s");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static void waitUntilGone(String topic) throws Exception {
        for (int i = 0; i < 100 && KAFKA.admin().listTopics().names().get().contains(topic); i++) Thread.sleep(100);
    }

    /** A topic re-created right after a delete can take a moment to reach the broker's metadata. */
    private static void waitUntilListed(String topic) throws Exception {
        for (int i = 0; i < 100 && !KAFKA.admin().listTopics().names().get().contains(topic); i++) Thread.sleep(100);
    }
}
