package io.engramstream.stats.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.engramstream.cli.UserError;
import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.stats.input.DocumentFormat;
import io.engramstream.stats.input.JobInput;
import io.engramstream.stats.input.OriginTaggingFormat;
import io.engramstream.stats.input.TokenFileFormat;
import io.engramstream.stats.input.ZipfChunks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.flink.util.Collector;

/**
 * The statistics job: one operator graph behind every source.
 * <pre>
 *   source (files | zipf generator | Kafka CorpusTokens, CorpusText, InferenceTraffic)
 *     -> decode       validate, tokenize, canonicalize; bad records -> dead letters
 *     -> keyBy(doc)   count-lookups: hash with the core NgramHasher, pre-aggregate per subtask,
 *                     flush before every checkpoint barrier, ship DeltaBatches by virtual shard
 *     -> fan-out      counters records also to every statistics subtask (the job-wide token count)
 *     -> keyBy(shard) row-stats: per-row count, decayed score, last access, per-source counts;
 *                     publishes statistics and snapshots at consistent checkpoints, announces
 *                     each snapshot's manifest on the manifest topic
 * </pre>
 * {@link #main} takes the same options as {@code engram run}, so the shaded jar runs with
 * {@code flink run -c io.engramstream.stats.job.MemoryStatsJob engram-flink-jobs-*-job.jar ...}.
 */
public final class MemoryStatsJob {
    public static final String UID_SOURCE = "source";
    public static final String UID_DECODE = "decode";
    public static final String UID_COUNT = "count-lookups";
    public static final String UID_STATS = "row-stats";
    public static final String UID_FAN_OUT = "counter-fan-out";
    public static final String UID_DEAD_LETTERS = "dead-letters";

    private MemoryStatsJob() {}

    public static void main(String[] args) {
        int code = RunCommand.runMain(args);
        if (code != 0) System.exit(code);
    }

    /** How the job runs (independent of what it computes). */
    public record Runtime(int parallelism, Duration checkpointInterval, String stateBackend, String checkpointDir,
                          int restartAttempts, String savepointPath) {
        public Runtime {
            if (!stateBackend.equals("hashmap") && !stateBackend.equals("rocksdb")) {
                throw new UserError("state-backend must be hashmap or rocksdb, got '" + stateBackend + "'");
            }
        }

        public Runtime withSavepoint(String path) {
            return new Runtime(parallelism, checkpointInterval, stateBackend, checkpointDir, restartAttempts, path);
        }

        public Runtime withParallelism(int p) {
            return new Runtime(p, checkpointInterval, stateBackend, checkpointDir, restartAttempts, savepointPath);
        }
    }

    /** The Flink configuration for a run: checkpoints, state backend, no Kryo, max parallelism = shards. */
    public static Configuration configuration(Runtime rt, StatsSettings settings) {
        Configuration c = new Configuration();
        c.setString("execution.checkpointing.interval", rt.checkpointInterval().toMillis() + " ms");
        c.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
        if (rt.checkpointDir() != null) c.setString("execution.checkpointing.dir", Path.of(rt.checkpointDir()).toUri().toString());
        c.setString("state.backend.type", rt.stateBackend());
        if (rt.stateBackend().equals("rocksdb")) c.setString("execution.checkpointing.incremental", "true");
        c.setString("pipeline.generic-types", "false");
        // Operators keep no references to records they were handed: reuse saves a copy per chained
        // hop and lets the statistics operator deserialize deltas into the same arrays.
        c.setString("pipeline.object-reuse", "true");
        c.setString("pipeline.max-parallelism", Integer.toString(settings.shards));
        if (rt.parallelism() > 0) c.setString("parallelism.default", Integer.toString(rt.parallelism()));
        if (rt.restartAttempts() > 0) {
            c.setString("restart-strategy.type", "fixed-delay");
            c.setString("restart-strategy.fixed-delay.attempts", Integer.toString(rt.restartAttempts()));
            c.setString("restart-strategy.fixed-delay.delay", "200 ms");
        } else {
            c.setString("restart-strategy.type", "none");
        }
        if (rt.savepointPath() != null) c.setString("execution.state-recovery.path", rt.savepointPath());
        c.setString("taskmanager.memory.managed.size", "256m");
        c.setString("metrics.reporter." + ProgressReporter.NAME + ".factory.class", ProgressReporter.Factory.class.getName());
        return c;
    }

    /** Adds the job's operators to {@code env}. */
    public static void build(StreamExecutionEnvironment env, JobInput input, StatsSettings settings, String outDir,
                             String deadLetterTopic) {
        DataStream<InputRecord> records = source(env, input, settings);
        SingleOutputStreamOperator<TokenChunk> chunks = records
                .process(new DecodeFunction(settings), TokenChunk.TYPE)
                .name("decode").uid(UID_DECODE);
        deadLetters(chunks.getSideOutput(DecodeFunction.DEAD_LETTERS), input, outDir, deadLetterTopic);
        DataStream<DeltaBatch> deltas = chunks
                .keyBy(TokenChunk::docKey, Types.LONG)
                .transform("count-lookups", DeltaBatch.TYPE, new CountLookupsOperator(settings))
                .uid(UID_COUNT)
                .flatMap(new CounterFanOut(settings), DeltaBatch.TYPE)
                .name("counter-fan-out").uid(UID_FAN_OUT);
        deltas.keyBy(DeltaBatch::shardKey, Types.INT)
                .transform("row-stats", Types.VOID, new RowStatsOperator(settings, input.bounded()))
                .uid(UID_STATS);
    }

    /** The job's source for {@code input} (also the naive baseline's, so both read the same way). */
    public static DataStream<InputRecord> sourceFor(StreamExecutionEnvironment env, JobInput input, StatsSettings settings) {
        return source(env, input, settings);
    }

    static DataStream<InputRecord> source(StreamExecutionEnvironment env, JobInput input, StatsSettings settings) {
        switch (input.kind()) {
            case FILES -> {
                List<org.apache.flink.core.fs.Path> paths = new ArrayList<>();
                String format = resolveFormat(input);
                for (int r = 0; r < input.repeat(); r++) {
                    for (String p : input.paths()) paths.add(new org.apache.flink.core.fs.Path(Path.of(p).toUri()));
                }
                OriginTaggingFormat bulk = new OriginTaggingFormat(switch (format) {
                    case "tokens" -> new TokenFileFormat();
                    case "jsonl" -> new DocumentFormat(DocumentFormat.Kind.JSONL);
                    case "europarl" -> new DocumentFormat(DocumentFormat.Kind.EUROPARL);
                    default -> new DocumentFormat(DocumentFormat.Kind.TEXT);
                });
                FileSource<InputRecord> src = FileSource.forBulkFileFormat(bulk, paths.toArray(new org.apache.flink.core.fs.Path[0])).build();
                DataStream<InputRecord> s = env.fromSource(src, WatermarkStrategy.noWatermarks(), "files", InputRecord.TYPE).uid(UID_SOURCE);
                // A file is read by one subtask: spread the documents so tokenizing uses every core, by
                // document so that the chunks of one document stay in order.
                return env.getParallelism() > 1 ? s.partitionCustom(new SpreadDocuments(), new SpreadKey()) : s;
            }
            case ZIPF -> {
                long records = (input.zipfTokens() + input.zipfChunk() - 1) / input.zipfChunk();
                ZipfChunks gen = new ZipfChunks(settings.canonicalLookup.length, input.zipfExponent(), input.zipfSeed(), input.zipfChunk());
                RateLimiterStrategy<?> rate = input.recordsPerSecond() > 0
                        ? RateLimiterStrategy.perSecond(input.recordsPerSecond()) : RateLimiterStrategy.noOp();
                @SuppressWarnings("unchecked")
                DataGeneratorSource<InputRecord> src = new DataGeneratorSource<>(gen, records,
                        (RateLimiterStrategy) rate, InputRecord.TYPE);
                return env.fromSource(src, WatermarkStrategy.noWatermarks(), "zipf", InputRecord.TYPE).uid(UID_SOURCE);
            }
            case KAFKA -> {
                var b = KafkaSource.<InputRecord>builder()
                        .setBootstrapServers(input.bootstrap())
                        .setTopics(input.topics())
                        .setGroupId(input.groupId())
                        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new RawMessages())
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("partition.discovery.interval.ms", "10000")
                        .setProperty("commit.offsets.on.checkpoint", "true");
                input.kafkaProperties().forEach(b::setProperty);
                if (input.kafkaBounded()) b.setBounded(OffsetsInitializer.latest());
                DataStream<InputRecord> s = env.fromSource(b.build(), WatermarkStrategy.noWatermarks(), "kafka", InputRecord.TYPE).uid(UID_SOURCE);
                // Spread decoding (tokenizing text is the expensive part) over every subtask whatever the
                // partition count, by message key (= document id): a document's chunks stay in order.
                return env.getParallelism() > 1 ? s.partitionCustom(new SpreadDocuments(), new SpreadKey()) : s;
            }
            default -> throw new IllegalStateException(input.kind().toString());
        }
    }

    static String resolveFormat(JobInput input) {
        if (!input.format().equals("auto")) return input.format();
        TreeSet<String> formats = new TreeSet<>();
        for (String p : input.paths()) {
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                try (Stream<Path> s = Files.walk(path)) {
                    s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                            .forEach(f -> formats.add(JobInput.formatOf(f)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                formats.add(JobInput.formatOf(path));
            }
        }
        if (formats.size() > 1) throw new UserError("input mixes formats " + formats + ": pass --input-format");
        return formats.isEmpty() ? "text" : formats.first();
    }

    static void deadLetters(DataStream<DeadLetter> dead, JobInput input, String outDir, String topic) {
        if (input.kind() == JobInput.Kind.KAFKA) {
            Properties producer = new Properties();
            // At or below the broker's transaction.max.timeout.ms (15 min by default).
            producer.setProperty("transaction.timeout.ms", "600000");
            producer.putAll(input.kafkaProperties());
            KafkaSink<DeadLetter> sink = KafkaSink.<DeadLetter>builder()
                    .setBootstrapServers(input.bootstrap())
                    .setKafkaProducerConfig(producer)
                    .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix("engram-stats-dlq-" + Integer.toHexString(input.groupId().hashCode()))
                    .setRecordSerializer((KafkaRecordSerializationSchema<DeadLetter>) (d, ctx, ts) -> new ProducerRecord<>(
                            topic, d.getSourceTopic().getBytes(StandardCharsets.UTF_8), Codecs.DEAD_LETTER.encode(d)))
                    .build();
            dead.sinkTo(sink).name("dead-letters").uid(UID_DEAD_LETTERS);
        } else if (outDir != null) {
            FileSink<DeadLetter> sink = FileSink.forRowFormat(
                    new org.apache.flink.core.fs.Path(Path.of(outDir).resolve("dead-letters").toUri()), new DeadLetterJson()).build();
            dead.sinkTo(sink).name("dead-letters").uid(UID_DEAD_LETTERS);
        }
    }

    /** Spreads documents evenly over subtasks; all chunks of a document go to one. */
    static final class SpreadDocuments implements org.apache.flink.api.common.functions.Partitioner<Long> {
        private static final long serialVersionUID = 1L;

        @Override public int partition(Long key, int partitions) {
            return (int) (((io.engramstream.stats.Mix64.mix(key) >>> 32) * partitions) >>> 32);
        }
    }

    static final class SpreadKey implements org.apache.flink.api.java.functions.KeySelector<InputRecord, Long> {
        private static final long serialVersionUID = 1L;

        @Override public Long getKey(InputRecord r) { return r.spreadKey(); }
    }

    /** Kafka messages as {@link InputRecord}s: decoding waits for {@link DecodeFunction} (dead letters). */
    static final class RawMessages implements KafkaRecordDeserializationSchema<InputRecord> {
        private static final long serialVersionUID = 1L;

        @Override public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<InputRecord> out) {
            InputRecord rec = InputRecord.message(r.topic(), r.partition(), r.offset(), r.timestamp(), r.value() == null ? new byte[0] : r.value());
            // The key (the document or request id) only routes the message; decoding reads ids from the record.
            if (r.key() != null) rec.docId = new String(r.key(), StandardCharsets.UTF_8);
            out.collect(rec);
        }

        @Override public org.apache.flink.api.common.typeinfo.TypeInformation<InputRecord> getProducedType() { return InputRecord.TYPE; }
    }

    /** Dead letters of file runs: one JSON object per line. */
    static final class DeadLetterJson implements Encoder<DeadLetter> {
        private static final long serialVersionUID = 1L;
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override public void encode(DeadLetter d, java.io.OutputStream out) throws IOException {
            ObjectNode n = JSON.createObjectNode();
            n.put("source", d.getSourceTopic());
            n.put("partition", d.getSourcePartition());
            n.put("offset", d.getSourceOffset());
            n.put("errorKind", d.getErrorKind().name());
            n.put("reason", d.getReason());
            n.put("time", d.getTime().toString());
            n.put("rawLength", d.getRawLength());
            byte[] raw = new byte[d.getRawBytes().remaining()];
            d.getRawBytes().duplicate().get(raw);
            n.put("rawBase64", Base64.getEncoder().encodeToString(raw));
            out.write(JSON.writeValueAsBytes(n));
            out.write('\n');
        }
    }
}
