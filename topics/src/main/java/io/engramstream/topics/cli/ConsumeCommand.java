package io.engramstream.topics.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.RecordCodec;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.RecordJson;
import io.engramstream.topics.KafkaClientOptions;
import io.engramstream.topics.TopicCatalog;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Prints a topic's records as JSON lines, decoded with the bounded codecs.",
                "Reads from the beginning (no consumer group, nothing committed), with the catalog's codec for the topic",
                "(or the one named by each message's schema fingerprint).",
                "Undecodable records print as {\"error\": KIND, \"reason\": ...}; stops after --max records or --idle."})
public final class ConsumeCommand implements Callable<Integer>, EngramCommand {
    @Mixin KafkaClientOptions kafka;
    @Spec CommandSpec spec;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "Topic to read.")
    String topic;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(names = "--idle", paramLabel = "DURATION", defaultValue = "3s",
            description = "Stop when no record arrived for this long (default: ${DEFAULT-VALUE}).")
    String idle;

    @Option(names = "--show-tokens", paramLabel = "N", defaultValue = "32",
            description = "Print at most N ids of each token field (default: ${DEFAULT-VALUE}).")
    int showTokens;

    @Override public Integer call() {
        Duration idleFor;
        try {
            idleFor = parse(idle);
        } catch (RuntimeException e) {
            throw new UserError("--idle expects a duration like 500ms, 3s or 1m, got '" + idle + "'");
        }
        RecordCodec<?> expected = null;
        TopicCatalog catalog = TopicCatalog.defaults();
        if (catalog.contains(topic)) expected = Codecs.forName(catalog.topic(topic).valueSchema());
        PrintWriter out = spec.commandLine().getOut();
        Properties p = kafka.clientProperties();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long read = 0;
        long bad = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            Map<String, List<PartitionInfo>> topics = c.listTopics(kafka.timeoutDuration());
            if (!topics.containsKey(topic)) throw new UserError("topic " + topic + " does not exist on " + kafka.bootstrap);
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : topics.get(topic)) parts.add(new TopicPartition(topic, pi.partition()));
            c.assign(parts);
            c.seekToBeginning(parts);
            long lastRecord = System.nanoTime();
            while ((max == null || read < max) && System.nanoTime() - lastRecord < idleFor.toNanos()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    lastRecord = System.nanoTime();
                    ObjectNode line = RecordJson.MAPPER.createObjectNode();
                    line.put("partition", r.partition());
                    line.put("offset", r.offset());
                    line.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
                    RecordCodec<?> codec = expected != null ? expected : Codecs.detect(r.value());
                    try {
                        if (codec == null) throw new RecordDecodeException(io.engramstream.schemas.ErrorKind.UNKNOWN_SCHEMA,
                                "not a record kind of io.engramstream.schemas");
                        SpecificRecord v = codec.decode(r.value());
                        line.put("type", v.getSchema().getName());
                        line.set("value", RecordJson.of(v, showTokens));
                    } catch (RecordDecodeException e) {
                        bad++;
                        line.put("error", e.kind().name());
                        line.put("reason", e.reason());
                    }
                    out.println(line.toString());
                    if (++read == (max == null ? -1 : max)) break;
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UserError("no answer from Kafka at " + kafka.bootstrap + " (is it running? engram kafka start)");
        }
        out.flush();
        System.err.println("read " + read + " records from " + topic + (bad == 0 ? "" : " (" + bad + " undecodable)"));
        return 0;
    }

    private static Duration parse(String s) {
        String lower = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith("ms")) return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
        long n = Long.parseLong(lower.substring(0, lower.length() - 1));
        return switch (lower.charAt(lower.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> throw new NumberFormatException(s);
        };
    }
}
