package io.engramstream.model.serve;

import io.engramstream.cli.EngramCommand;
import io.engramstream.cli.UserError;
import io.engramstream.model.EngineThreads;
import io.engramstream.model.memory.TableKind;
import io.engramstream.model.memory.TierCounts;
import io.engramstream.model.train.Checkpoint;
import io.engramstream.model.train.FrequencyPlacement;
import io.engramstream.model.train.TableSetup;
import io.engramstream.model.train.TrainData;
import io.engramstream.model.train.TrainSession;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.InferenceRequest;
import io.engramstream.schemas.InferenceResponse;
import io.engramstream.schemas.ResponseStatus;
import io.engramstream.schemas.TokenIds;
import io.engramstream.store.TieredEmbeddingStore;
import io.engramstream.topics.KafkaClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code engram bench serve}: serves a checkpoint over a real broker with the table in the tiered
 * store (placed by training-row frequency) and, as the baseline in the same run, with the whole
 * table in heap memory; the same held-out prompts both times. Prints requests/s, server-side
 * p50/p99 latency and the hot-tier hit rate.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a checkpoint over Kafka (start a broker with `engram kafka start`): tiered store vs the",
                "whole table in memory, the same held-out prompts; prints requests/s, p50/p99 latency, hot-tier hit rate."})
public final class ServeBenchCommand implements EngramCommand, Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "Checkpoint directory written by `engram train`.")
    Path checkpoint;

    @Mixin KafkaClientOptions kafka;

    @Option(names = "--requests", defaultValue = "256", paramLabel = "N", description = "Requests per variant (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--prompt-tokens", defaultValue = "48", paramLabel = "N", description = "Tokens per prompt (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "4", paramLabel = "N", description = "Tokens generated per request (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--max-batch", defaultValue = "16", paramLabel = "N", description = "Requests per forward pass (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--hot-rows", defaultValue = "16384", paramLabel = "N", description = "Hot rows of the tiered variant (default: ${DEFAULT-VALUE}).")
    long hotRows;

    @Option(names = "--warm-rows", defaultValue = "49152", paramLabel = "N", description = "Warm rows of the tiered variant (default: ${DEFAULT-VALUE}).")
    long warmRows;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override public String group() { return "bench"; }

    private record Outcome(String variant, double requestsPerSecond, long p50, long p99, TierCounts lookups, int ok) {}

    @Override
    public Integer call() throws Exception {
        EngineThreads.use(threads);
        Path step = Checkpoint.latest(checkpoint);
        if (step == null) throw new UserError("no checkpoint in " + checkpoint + " (run engram train --checkpoint DIR first)");
        Checkpoint.TrainState st = Checkpoint.readState(step);
        var mc = Checkpoint.readModelConfig(step);
        TrainSession.Request req = new TrainSession.Request(st.corpus(), st.language(), st.corpusChars(), st.validEvery(), st.tokenizer(),
                st.spec(), mc.vocabSize(), mc.hidden(), mc.layers(), mc.attentionHeads(), true, TableSetup.FLAT, st.settings(), 0, null, 0);
        TrainSession.Prepared prepared = TrainSession.prepare(req, Checkpoint.readVocabulary(step), System.out::println);
        TrainData data = prepared.data();
        List<int[]> prompts = new ArrayList<>();
        int available = data.validTokens() - promptTokens;
        if (available <= 0) throw new UserError("the held-out split has fewer than " + promptTokens + " tokens");
        for (int i = 0; i < requests; i++) prompts.add(data.validTokenizerIds((int) ((long) i * 7919 % available), promptTokens));
        Properties props = kafka.clientProperties();
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s, PyTorch intra-op threads %d; %d requests of %d prompt tokens, "
                        + "%d new tokens, batches of up to %d%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                threads, requests, promptTokens, newTokens, maxBatch);
        List<Outcome> out = new ArrayList<>();
        Path tableDir = Files.createTempDirectory("engram-bench-serve");
        try {
            try (ServingModel model = ServingModel.open(step, new TableSetup(TableKind.TIERED, tableDir, 0, 0, null), System.out::println)) {
                TieredEmbeddingStore store = model.store().orElseThrow();
                store.apply(FrequencyPlacement.plan(model.spec(), data.trainCanonical(), hotRows, warmRows, prepared.canonical().fingerprint()));
                System.out.println("tiered: " + model.rows().describe());
                out.add(run("tiered store", model, props, prompts));
            }
            try (ServingModel model = ServingModel.open(step, TableSetup.FLAT, System.out::println)) {
                out.add(run("baseline: whole table in heap memory", model, props, prompts));
            }
        } finally {
            try (var s = Files.walk(tableDir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        System.out.println();
        System.out.println("| variant | requests/s | p50 latency ms | p99 latency ms | hot-tier hit rate | lookups hot / warm / cold | ok |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Outcome o : out) {
            TierCounts t = o.lookups();
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f%% | %,d / %,d / %,d | %d |%n", o.variant(), o.requestsPerSecond(),
                    o.p50() / 1e3, o.p99() / 1e3, 100 * t.hotHitRate(), t.hotServed(), t.warmServed(), t.coldServed(), o.ok());
        }
        return 0;
    }

    private Outcome run(String variant, ServingModel model, Properties props, List<int[]> prompts) throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        String in = "bench.serve.requests." + suffix, outTopic = "bench.serve.responses." + suffix;
        String traffic = "bench.serve.traffic." + suffix, dead = "bench.serve.dead." + suffix;
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of(in, outTopic, traffic, dead)) topics.add(new NewTopic(t, 1, (short) 1));
            admin.createTopics(topics).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new UserError("cannot create benchmark topics on " + kafka.bootstrap + ": " + e.getCause().getMessage()
                    + " (start a broker with `engram kafka start`)");
        }
        ServeLoop.Settings settings = ServeLoop.Settings.defaults().withTopics(in, outTopic, traffic, dead)
                .withGroup("bench-serve-" + suffix).withBatching(maxBatch, Math.max(64, newTokens));
        try (ServeLoop loop = new ServeLoop(model, props, settings, System.out::println)) {
            Thread server = new Thread(loop::run, "bench-serve-loop");
            server.start();
            // Warm up: one request answered before the clock starts (consumer group join, JIT).
            send(props, in, List.of(prompts.get(0)), "warmup-");
            await(props, outTopic, 1);
            long t0 = System.nanoTime();
            send(props, in, prompts, "r");
            List<InferenceResponse> rs = await(props, outTopic, prompts.size() + 1);
            double seconds = (System.nanoTime() - t0) / 1e9;
            loop.stop();
            server.join(30_000);
            int ok = 0;
            for (InferenceResponse r : rs) if (r.getStatus() == ResponseStatus.OK) ok++;
            ServeMetrics m = loop.metrics();
            System.out.println(variant + ": " + m.report());
            return new Outcome(variant, prompts.size() / seconds, m.latencyPercentile(0.5), m.latencyPercentile(0.99), m.lookups(), ok - 1);
        }
    }

    private void send(Properties props, String topic, List<int[]> prompts, String prefix) {
        Properties p = new Properties();
        p.putAll(props);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < prompts.size(); i++) {
                InferenceRequest r = InferenceRequest.newBuilder().setRequestId(prefix + i).setPromptTokenIds(TokenIds.pack(prompts.get(i)))
                        .setMaxNewTokens(newTokens).setTopK(5).setEventTime(Instant.now()).build();
                producer.send(new ProducerRecord<>(topic, r.getRequestId().getBytes(StandardCharsets.UTF_8), Codecs.INFERENCE_REQUEST.encode(r)));
            }
        }
    }

    private static List<InferenceResponse> await(Properties props, String topic, int count) throws Exception {
        Properties p = new Properties();
        p.putAll(props);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<InferenceResponse> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) out.add(Codecs.INFERENCE_RESPONSE.decode(r.value()));
            }
        }
        if (out.size() < count) throw new IllegalStateException("only " + out.size() + " of " + count + " responses within 10 minutes");
        return out;
    }
}
