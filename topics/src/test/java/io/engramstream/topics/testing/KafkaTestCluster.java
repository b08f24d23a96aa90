package io.engramstream.topics.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka (KRaft, combined broker+controller, in-process) for tests of every
 * module. Up in 2-4 s; start it once per test class.
 *
 * <p>As a JUnit 5 extension (started before the class's first test, stopped after its last):
 * <pre>{@code
 * @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();
 * ... KAFKA.createTopic("t", 2); KAFKA.bootstrapServers() ...
 * }</pre>
 * Or by hand: {@code try (KafkaTestCluster k = new KafkaTestCluster().start()) {...}}.
 * {@link #shared()} gives one cluster per JVM (test fork) that several classes reuse; it
 * is closed at JVM exit, so use distinct topic names per class.
 *
 * <p>Internal topics (offsets, transaction state) have replication factor 1 so that
 * consumer groups and transactional producers (Flink exactly-once sinks) work;
 * {@code transaction.max.timeout.ms} is Kafka's default 15 min, so set a sink's
 * {@code transaction.timeout.ms} at or below that.
 */
public final class KafkaTestCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private static volatile KafkaTestCluster shared;

    private final Map<String, Object> brokerProps = new LinkedHashMap<>();
    private final boolean isShared;
    private KafkaClusterTestKit kit;
    private Admin admin;

    /** A single-node cluster with the test defaults; call {@link #start()} or register it as an extension. */
    public KafkaTestCluster() {
        this(false);
    }

    private KafkaTestCluster(boolean isShared) {
        this.isShared = isShared;
        brokerProps.put("offsets.topic.replication.factor", "1");
        brokerProps.put("offsets.topic.num.partitions", "4");
        brokerProps.put("transaction.state.log.replication.factor", "1");
        brokerProps.put("transaction.state.log.min.isr", "1");
        brokerProps.put("transaction.state.log.num.partitions", "4");
        brokerProps.put("group.initial.rebalance.delay.ms", "0");
        brokerProps.put("auto.create.topics.enable", "false");
        brokerProps.put("num.partitions", "1");
        brokerProps.put("default.replication.factor", "1");
        brokerProps.put("min.insync.replicas", "1");
        // Room for the dead-letter/oversize tests that send large values on purpose.
        brokerProps.put("message.max.bytes", String.valueOf(16 * 1024 * 1024));
    }

    /** One cluster for the whole test JVM, started on first use and closed at JVM exit. */
    public static synchronized KafkaTestCluster shared() {
        if (shared == null) {
            KafkaTestCluster c = new KafkaTestCluster(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(c::stopQuietly, "kafka-test-cluster-shutdown"));
            shared = c;
        }
        return shared;
    }

    /** Sets a broker property (before {@link #start()}), e.g. {@code log.retention.ms}. */
    public KafkaTestCluster withBrokerProperty(String key, Object value) {
        if (kit != null) throw new IllegalStateException("broker properties must be set before start()");
        brokerProps.put(key, value);
        return this;
    }

    /** Formats storage in a fresh temporary directory, starts the node and waits until the broker answers. */
    public synchronized KafkaTestCluster start() {
        if (kit != null) return this;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(nodes);
            brokerProps.forEach(b::setConfigProp);
            KafkaClusterTestKit k = b.build();
            try {
                k.format();
                k.startup();
                k.waitForReadyBrokers();
            } catch (Exception e) {
                try { k.close(); } catch (Exception suppressed) { e.addSuppressed(suppressed); }
                throw e;
            }
            kit = k;
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Kafka test cluster", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Kafka test cluster: " + e, e);
        }
    }

    /** Stops the node and deletes its data. Safe to call twice. */
    public synchronized void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (kit != null) {
            KafkaClusterTestKit k = kit;
            kit = null;
            try {
                k.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop the Kafka test cluster: " + e, e);
            }
        }
    }

    /**
     * Stops the broker (the KRaft controller keeps running, the data stays): clients see the broker
     * gone, as when a broker process dies. {@link #startBroker()} brings it back on the same port.
     */
    public synchronized void stopBroker() {
        for (kafka.server.BrokerServer b : running().brokers().values()) {
            b.shutdown();
            b.awaitShutdown();
        }
    }

    /** Starts the broker stopped by {@link #stopBroker()} again and waits until it answers. */
    public synchronized void startBroker() {
        try {
            for (kafka.server.BrokerServer b : running().brokers().values()) b.startup();
            running().waitForReadyBrokers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the broker: " + e, e);
        }
    }

    private void stopQuietly() {
        try { stop(); } catch (RuntimeException ignored) { /* JVM is exiting */ }
    }

    @Override public void close() {
        stop();
    }

    public boolean isRunning() {
        return kit != null;
    }

    /** {@code host:port} of the broker's client listener. */
    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    /** The common client settings: bootstrap servers only (plaintext, no auth). */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** A shared admin client, closed with the cluster. */
    public synchronized Admin admin() {
        if (admin == null) admin = Admin.create(clientProperties());
        return admin;
    }

    /** Creates a topic (replication 1) and waits for it; an existing topic of that name is left alone. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic with topic-level configs (e.g. {@code cleanup.policy=compact}); existing ones are left alone. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic t = new NewTopic(name, partitions, (short) 1).configs(configs);
        try {
            admin().createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** A topic name that no other test in this JVM uses (for tests on the {@link #shared()} cluster). */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Producer settings: byte-array key/value, acks=all, idempotent. Add or override as needed. */
    public Properties producerProperties() {
        Properties p = clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024));
        return p;
    }

    /** Consumer settings: byte-array key/value, earliest offset, read_committed, no auto-commit. */
    public Properties consumerProperties(String groupId) {
        Properties p = clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    public KafkaProducer<byte[], byte[]> newProducer() {
        return new KafkaProducer<>(producerProperties());
    }

    public KafkaConsumer<byte[], byte[]> newConsumer(String groupId) {
        return new KafkaConsumer<>(consumerProperties(groupId));
    }

    /** Sends values (null keys) to a topic and waits until all are acknowledged. */
    public void produce(String topic, Collection<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> p = newProducer()) {
            for (byte[] v : values) p.send(new ProducerRecord<>(topic, v));
            p.flush();
        }
    }

    /** Sends one keyed record and waits for its acknowledgement. */
    public void produce(String topic, byte[] key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> p = newProducer()) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send to " + topic + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Reads every partition of {@code topic} from the beginning (no consumer group) until
     * {@code count} records arrived or {@code timeout} passed, and returns what was read
     * (possibly fewer than {@code count}: assert on the size).
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        Properties p = consumerProperties("unused");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < partitionCount(topic); i++) parts.add(new TopicPartition(topic, i));
            c.assign(parts);
            c.seekToBeginning(parts);
            while (out.size() < count && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The topic's partition count (fails if the topic does not exist). */
    public int partitionCount(String topic) {
        try {
            return admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not describe topic " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    private KafkaClusterTestKit running() {
        KafkaClusterTestKit k = kit;
        if (k == null) throw new IllegalStateException("the Kafka test cluster is not started");
        return k;
    }

    // JUnit 5: register with @RegisterExtension on a static field for one cluster per class.
    @Override public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override public void afterAll(ExtensionContext context) {
        if (!isShared) stop();
    }
}
