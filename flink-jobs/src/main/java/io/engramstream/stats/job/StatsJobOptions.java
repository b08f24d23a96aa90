package io.engramstream.stats.job;

import io.engramstream.config.EngramOption;
import java.time.Duration;
import java.util.List;

/** Typed options of {@link MemoryStatsJob}; {@code engram run} and the job's {@code main} expose them as flags. */
public final class StatsJobOptions {
    private StatsJobOptions() {}

    public static final EngramOption<Integer> PARALLELISM = EngramOption.integer("parallelism", 0,
            "Subtasks per operator; 0 = one per available core.");
    public static final EngramOption<Integer> SHARDS = EngramOption.integer("shards", 128,
            "Virtual row shards = the job's max parallelism (fixed for the life of the statistics; >= the largest parallelism you will rescale to).");
    public static final EngramOption<Duration> CHECKPOINT_INTERVAL = EngramOption.duration("checkpoint-interval", Duration.ofSeconds(5),
            "Checkpoint interval; pre-aggregated counts are flushed before every checkpoint barrier.");
    public static final EngramOption<String> STATE_BACKEND = EngramOption.string("state-backend", "hashmap",
            "Flink state backend: hashmap (heap, full snapshots) or rocksdb (incremental checkpoints).");
    public static final EngramOption<String> STATE_LAYOUT = EngramOption.string("state-layout", "shard-table",
            "Keyed state layout: shard-table (one primitive hash table per virtual shard) or row-map (a MapState entry per row; for rocksdb).");
    public static final EngramOption<String> TOKENIZER = EngramOption.string("tokenizer", "",
            "Tokenizer for text input; empty = the spec's canonical-map vocabulary (deepseek-v3 through DJL, or a tiktoken encoding).");
    public static final EngramOption<String> DECAY_CLOCK = EngramOption.string("decay-clock", "tokens",
            "Clock of the decayed score: tokens (processed tokens, for replayed corpora) or event-time (record timestamps, ms).");
    public static final EngramOption<Double> HALF_LIFE = EngramOption.real("half-life", 1e9,
            "Score half-life in decay-clock units (tokens, or milliseconds for event-time); 0 = no decay.");
    public static final EngramOption<Double> CORPUS_WEIGHT = EngramOption.real("corpus-weight", 1.0,
            "Score weight of one corpus lookup.");
    public static final EngramOption<Double> INFERENCE_WEIGHT = EngramOption.real("inference-weight", 1.0,
            "Score weight of one inference-traffic lookup.");
    public static final EngramOption<Long> DENSE_MAX_ROWS = EngramOption.longInt("preagg-dense-max-rows", 128_000_000L,
            "Largest table (rows) pre-aggregated in a dense int array per subtask (4 bytes per row); larger tables use a bounded hash map.");
    public static final EngramOption<Integer> SPARSE_ENTRIES = EngramOption.integer("preagg-sparse-entries", 4 << 20,
            "Distinct rows the sparse pre-aggregator holds before it flushes early.");
    public static final EngramOption<Integer> DELTA_BATCH_ROWS = EngramOption.integer("delta-batch-rows", 65536,
            "Rows per shipped delta record.");
    public static final EngramOption<Integer> TOP_K = EngramOption.integer("top-k", 65536,
            "K of the top-K coverage metric (share of recent lookups that hit the current top-K rows).");
    public static final EngramOption<Duration> TOP_K_REFRESH = EngramOption.duration("top-k-refresh", Duration.ofSeconds(10),
            "How often each statistics subtask recomputes its top-K threshold.");
    public static final EngramOption<Duration> PUBLISH_INTERVAL = EngramOption.duration("publish-interval", Duration.ofMinutes(5),
            "Unbounded input: publish statistics to --out (and a snapshot) at the first checkpoint after each interval, by checkpoint time (0 = never; bounded input always publishes at the end).");
    public static final EngramOption<Long> PUBLISH_EVERY_TOKENS = EngramOption.longInt("publish-every-tokens", 0L,
            "Also publish statistics (and a snapshot) at the first checkpoint after every this many tokens, counted over the whole job (0 = not on token count; bounded input too).");
    public static final EngramOption<Boolean> PUBLISH_MANIFESTS = EngramOption.bool("publish-manifests", true,
            "With --kafka: announce every snapshot on --manifest-topic (Avro SnapshotManifest keyed by spec fingerprint; idempotent producer; re-sent after a crash).");
    public static final EngramOption<String> MANIFEST_TOPIC = EngramOption.string("manifest-topic", io.engramstream.topics.TopicCatalog.SNAPSHOT_MANIFESTS,
            "Compacted topic the job announces snapshot manifests on.");
    public static final EngramOption<Integer> MAX_RECORD_TOKENS = EngramOption.integer("max-record-tokens", 1 << 20,
            "Records with more tokens go to the dead letters as OVERSIZE.");
    public static final EngramOption<Integer> MAX_TEXT_CHARS = EngramOption.integer("max-text-chars", 8 << 20,
            "Text records longer than this go to the dead letters as OVERSIZE.");
    public static final EngramOption<String> INPUT_FORMAT = EngramOption.string("input-format", "auto",
            "File input format: auto (by name), text (a document per line), jsonl ({text} or {tokens} per line), europarl (title<TAB>date<TAB>body), tokens (binary .tok).");
    public static final EngramOption<Integer> REPEAT = EngramOption.integer("repeat", 1,
            "Read file input this many times (benchmarks).");
    public static final EngramOption<String> KAFKA_GROUP = EngramOption.string("kafka-group", "engram-stats",
            "Kafka consumer group id of the job.");
    public static final EngramOption<Boolean> KAFKA_BOUNDED = EngramOption.bool("kafka-bounded", false,
            "Stop at the topics' end offsets as of the start (a bounded replay) instead of running forever.");
    public static final EngramOption<String> KAFKA_TOPICS = EngramOption.string("kafka-topics", "engram.corpus.tokens,engram.corpus.text,engram.inference.traffic",
            "Input topics (any of the catalog's corpus tokens, corpus text and inference traffic topics).");
    public static final EngramOption<String> DEAD_LETTER_TOPIC = EngramOption.string("dead-letter-topic", "engram.deadletters",
            "Topic for rejected records (Kafka input); file input writes <out>/dead-letters/.");

    public static List<EngramOption<?>> all() {
        return List.of(PARALLELISM, SHARDS, CHECKPOINT_INTERVAL, STATE_BACKEND, STATE_LAYOUT, TOKENIZER, DECAY_CLOCK, HALF_LIFE,
                CORPUS_WEIGHT, INFERENCE_WEIGHT, DENSE_MAX_ROWS, SPARSE_ENTRIES, DELTA_BATCH_ROWS, TOP_K, TOP_K_REFRESH,
                PUBLISH_INTERVAL, PUBLISH_EVERY_TOKENS, PUBLISH_MANIFESTS, MANIFEST_TOPIC, MAX_RECORD_TOKENS, MAX_TEXT_CHARS, INPUT_FORMAT, REPEAT, KAFKA_GROUP, KAFKA_BOUNDED,
                KAFKA_TOPICS, DEAD_LETTER_TOPIC);
    }
}
