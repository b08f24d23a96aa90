package io.engramstream.stats.job;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.canon.TiktokenVocabulary;
import io.engramstream.cli.UserError;
import io.engramstream.config.EngramConfig;
import io.engramstream.spec.EngramSpec;
import io.engramstream.stats.ScoreDecay;
import java.io.Serializable;

/**
 * Everything the job's operators need, resolved once on the client and shipped with the job
 * graph: the spec, the canonical map's lookup table (so task managers need no tokenizer assets
 * to count token input), and the statistics settings.
 */
public final class StatsSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String CLOCK_TOKENS = "tokens";
    public static final String CLOCK_EVENT_TIME = "event-time";
    public static final String LAYOUT_SHARD_TABLE = "shard-table";
    public static final String LAYOUT_ROW_MAP = "row-map";

    public final EngramSpec spec;
    public final String canonicalMapId;
    public final String canonicalMapFingerprint;
    public final String canonicalVocabularyId;
    /** Raw tokenizer id -> canonical id. */
    public final int[] canonicalLookup;
    public final String tokenizerId;
    public final int shards;
    public final int[] shardKeys;
    public final String clock;
    public final double halfLife;
    public final double corpusWeight;
    public final double inferenceWeight;
    public final long denseMaxRows;
    public final int sparseEntries;
    public final int deltaBatchRows;
    public final String layout;
    public final int topK;
    public final long topKRefreshMillis;
    public final long publishIntervalMillis;
    /** Publish at the first checkpoint after every this many tokens of the whole job (0 = off). */
    public final long publishEveryTokens;
    /** Kafka client properties (with bootstrap.servers) for announcing snapshot manifests; null = no announcements. */
    public final java.util.HashMap<String, String> manifestKafka;
    public final String manifestTopic;
    /** Test hook: publication steps ("prepared", "committed", "sent") at which the publishing task dies once each. */
    public final java.util.ArrayList<String> crashAtSteps;
    /** Test hook: directory of the files that mark each injected publication crash as done. */
    public final String crashMarkerDir;
    /**
     * This run's id (the client's clock when the job was built): snapshots of a later run's
     * statistics supersede an earlier run's in the same snapshot directory; restarts keep it.
     */
    public final long runId;
    public final int maxRecordTokens;
    public final int maxTextChars;
    /** Where statistics are published; null = nowhere (benchmarks). */
    public final String outDir;
    /** Where hot-set snapshots are published after each statistics publication; null = none. */
    public final String snapshotDir;
    /** Placement and snapshot options as text (see StatsSnapshotPublisher.OPTIONS), shipped to the tasks. */
    public final java.util.HashMap<String, String> snapshotOptions;
    /** Test hook: write every snapshot's and every restore's statistics here. */
    public final String dumpDir;
    /** Test hook: fail one task once, after this many tokens and a completed checkpoint (0 = never). */
    public final long failAfterTokens;
    /** Test hook: the file whose creation marks the injected failure as done (survives the restart). */
    public final String failMarker;
    /** Test hook: inject the failure even before any checkpoint completed. */
    public final boolean failWithoutCheckpoint;
    /** Test hook: microseconds each decoded record waits (makes a small input last across checkpoints). */
    public final int decodeDelayMicros;

    private StatsSettings(Builder b) {
        this.spec = b.spec;
        CanonicalMap map = b.map;
        if (map.canonicalVocabSize() > spec.compressedVocabSize()) {
            throw new UserError("canonical map " + b.canonicalMapId + " has " + map.canonicalVocabSize()
                    + " canonical ids but the spec's vocabulary is " + spec.compressedVocabSize());
        }
        this.canonicalMapId = b.canonicalMapId;
        this.canonicalMapFingerprint = map.fingerprint();
        this.canonicalVocabularyId = map.vocabularyId();
        this.canonicalLookup = map.toArray();
        this.tokenizerId = b.tokenizerId;
        this.shards = b.shards;
        this.shardKeys = ShardKeys.forMaxParallelism(b.shards);
        this.clock = b.clock;
        this.halfLife = b.halfLife;
        this.corpusWeight = b.corpusWeight;
        this.inferenceWeight = b.inferenceWeight;
        this.denseMaxRows = b.denseMaxRows;
        this.sparseEntries = b.sparseEntries;
        this.deltaBatchRows = b.deltaBatchRows;
        this.layout = b.layout;
        this.topK = b.topK;
        this.topKRefreshMillis = b.topKRefreshMillis;
        this.publishIntervalMillis = b.publishIntervalMillis;
        this.publishEveryTokens = b.publishEveryTokens;
        this.manifestKafka = b.manifestKafka == null ? null : new java.util.HashMap<>(b.manifestKafka);
        this.manifestTopic = b.manifestTopic;
        this.crashAtSteps = new java.util.ArrayList<>(b.crashAtSteps);
        this.crashMarkerDir = b.crashMarkerDir;
        this.runId = b.runId != 0 ? b.runId : System.currentTimeMillis();
        this.maxRecordTokens = b.maxRecordTokens;
        this.maxTextChars = b.maxTextChars;
        this.outDir = b.outDir;
        this.dumpDir = b.dumpDir;
        this.snapshotDir = b.snapshotDir;
        this.snapshotOptions = new java.util.HashMap<>(b.snapshotOptions);
        this.failAfterTokens = b.failAfterTokens;
        this.failMarker = b.failMarker;
        this.failWithoutCheckpoint = b.failWithoutCheckpoint;
        this.decodeDelayMicros = b.decodeDelayMicros;
    }

    public double lambda() { return ScoreDecay.lambda(halfLife); }

    /** The placement and snapshot options back as typed values. */
    public io.engramstream.config.EngramConfig snapshotConfig() {
        io.engramstream.config.EngramConfig c = new io.engramstream.config.EngramConfig();
        for (io.engramstream.config.EngramOption<?> o : io.engramstream.placement.StatsSnapshotPublisher.OPTIONS) {
            String v = snapshotOptions.get(o.key());
            if (v != null) c.setText(o, v);
        }
        return c;
    }

    public boolean eventTimeClock() { return CLOCK_EVENT_TIME.equals(clock); }

    public double weight(int source) { return source == TokenChunk.INFERENCE ? inferenceWeight : corpusWeight; }

    public static Builder builder(EngramSpec spec) { return new Builder(spec); }

    /** Settings from typed options (the CLI and {@code main}). */
    public static Builder fromConfig(EngramSpec spec, EngramConfig c) {
        Builder b = builder(spec)
                .tokenizer(c.get(StatsJobOptions.TOKENIZER))
                .shards(c.get(StatsJobOptions.SHARDS))
                .clock(c.get(StatsJobOptions.DECAY_CLOCK))
                .halfLife(c.get(StatsJobOptions.HALF_LIFE))
                .weights(c.get(StatsJobOptions.CORPUS_WEIGHT), c.get(StatsJobOptions.INFERENCE_WEIGHT))
                .denseMaxRows(c.get(StatsJobOptions.DENSE_MAX_ROWS))
                .sparseEntries(c.get(StatsJobOptions.SPARSE_ENTRIES))
                .deltaBatchRows(c.get(StatsJobOptions.DELTA_BATCH_ROWS))
                .layout(c.get(StatsJobOptions.STATE_LAYOUT))
                .topK(c.get(StatsJobOptions.TOP_K), c.get(StatsJobOptions.TOP_K_REFRESH).toMillis())
                .publishIntervalMillis(c.get(StatsJobOptions.PUBLISH_INTERVAL).isZero() ? -1 : c.get(StatsJobOptions.PUBLISH_INTERVAL).toMillis())
                .publishEveryTokens(c.get(StatsJobOptions.PUBLISH_EVERY_TOKENS))
                .maxRecordTokens(c.get(StatsJobOptions.MAX_RECORD_TOKENS))
                .maxTextChars(c.get(StatsJobOptions.MAX_TEXT_CHARS));
        return b;
    }

    public static final class Builder {
        private final EngramSpec spec;
        private String canonicalMapId;
        private CanonicalMap map;
        private String tokenizerId;
        private int shards = 128;
        private String clock = CLOCK_TOKENS;
        private double halfLife = 1e9;
        private double corpusWeight = 1, inferenceWeight = 1;
        private long denseMaxRows = 128_000_000L;
        private int sparseEntries = 4 << 20;
        private int deltaBatchRows = 65536;
        private String layout = LAYOUT_SHARD_TABLE;
        private int topK = 65536;
        private long topKRefreshMillis = 10_000;
        private long publishIntervalMillis = 300_000;
        private long publishEveryTokens;
        private java.util.Map<String, String> manifestKafka;
        private String manifestTopic = io.engramstream.topics.TopicCatalog.SNAPSHOT_MANIFESTS;
        private java.util.List<String> crashAtSteps = java.util.List.of();
        private String crashMarkerDir;
        private long runId;
        private int maxRecordTokens = 1 << 20;
        private int maxTextChars = 8 << 20;
        private String outDir;
        private String snapshotDir;
        private java.util.Map<String, String> snapshotOptions = java.util.Map.of();
        private String dumpDir;
        private long failAfterTokens;
        private String failMarker;
        private boolean failWithoutCheckpoint;
        private int decodeDelayMicros;

        private Builder(EngramSpec spec) {
            this.spec = spec;
            this.canonicalMapId = spec.canonicalMapId();
        }

        /** Overrides the spec's canonical map (a name or a path). */
        public Builder canonicalMap(String id) { this.canonicalMapId = id; this.map = null; return this; }
        public Builder tokenizer(String id) { this.tokenizerId = id == null || id.isBlank() ? null : id; return this; }
        public Builder shards(int n) {
            if (n < 1 || n > (1 << 15)) throw new UserError("shards must be in [1, 32768], got " + n);
            this.shards = n;
            return this;
        }
        public Builder clock(String c) {
            if (!c.equals(CLOCK_TOKENS) && !c.equals(CLOCK_EVENT_TIME)) throw new UserError("decay-clock must be tokens or event-time, got '" + c + "'");
            this.clock = c;
            return this;
        }
        public Builder halfLife(double h) {
            if (h < 0 || Double.isNaN(h)) throw new UserError("half-life must be >= 0, got " + h);
            this.halfLife = h;
            return this;
        }
        public Builder weights(double corpus, double inference) {
            if (!(corpus >= 0) || !(inference >= 0)) throw new UserError("weights must be >= 0");
            this.corpusWeight = corpus;
            this.inferenceWeight = inference;
            return this;
        }
        public Builder denseMaxRows(long n) { this.denseMaxRows = n; return this; }
        public Builder sparseEntries(int n) {
            if (n < 1 << 16) throw new UserError("preagg-sparse-entries must be >= 65536, got " + n);
            this.sparseEntries = n;
            return this;
        }
        public Builder deltaBatchRows(int n) {
            if (n < 16) throw new UserError("delta-batch-rows must be >= 16, got " + n);
            this.deltaBatchRows = n;
            return this;
        }
        public Builder layout(String l) {
            if (!l.equals(LAYOUT_SHARD_TABLE) && !l.equals(LAYOUT_ROW_MAP)) throw new UserError("state-layout must be shard-table or row-map, got '" + l + "'");
            this.layout = l;
            return this;
        }
        public Builder topK(int k, long refreshMillis) {
            if (k < 1) throw new UserError("top-k must be >= 1, got " + k);
            this.topK = k;
            this.topKRefreshMillis = Math.max(100, refreshMillis);
            return this;
        }
        /** Unbounded input: publish at the first checkpoint of each interval; 0 = at every checkpoint, negative = never. */
        public Builder publishIntervalMillis(long ms) { this.publishIntervalMillis = ms; return this; }
        public Builder publishEveryTokens(long n) {
            if (n < 0) throw new UserError("publish-every-tokens must be >= 0, got " + n);
            this.publishEveryTokens = n;
            return this;
        }
        /** Announces every snapshot's manifest on {@code topic} with these client properties (bootstrap.servers included). */
        public Builder manifests(java.util.Map<String, String> kafkaClient, String topic) {
            this.manifestKafka = kafkaClient == null ? null : new java.util.HashMap<>(kafkaClient);
            this.manifestTopic = topic;
            return this;
        }
        /** The run id (default: the clock at {@link #build}). */
        public Builder runId(long id) { this.runId = id; return this; }
        /** Test hook: the publishing task dies once at each of these steps ("prepared", "committed", "sent"). */
        public Builder crashPublicationAt(String markerDir, String... steps) {
            this.crashMarkerDir = markerDir;
            this.crashAtSteps = java.util.List.of(steps);
            return this;
        }
        public Builder maxRecordTokens(int n) { this.maxRecordTokens = n; return this; }
        public Builder maxTextChars(int n) { this.maxTextChars = n; return this; }
        public Builder outDir(String dir) { this.outDir = dir; return this; }
        public Builder dumpDir(String dir) { this.dumpDir = dir; return this; }
        /** Publishes snapshots into {@code dir} with these placement/snapshot options (text values by key). */
        public Builder snapshots(String dir, java.util.Map<String, String> options) {
            this.snapshotDir = dir;
            this.snapshotOptions = new java.util.HashMap<>(options);
            return this;
        }
        /** Test hook: one injected task failure after {@code tokens} tokens and a completed checkpoint. */
        public Builder failOnceAfter(long tokens, String markerFile) {
            this.failAfterTokens = tokens;
            this.failMarker = markerFile;
            return this;
        }

        /**
         * Test hook: the injected failure does not wait for a completed checkpoint (a bounded
         * replay can end before the first one; recovery then replays from the start).
         */
        public Builder failWithoutCheckpoint() {
            this.failWithoutCheckpoint = true;
            return this;
        }

        /** Test hook: slow decoding down by {@code micros} per record. */
        public Builder decodeDelayMicros(int micros) { this.decodeDelayMicros = micros; return this; }

        public StatsSettings build() {
            if (map == null) map = CanonicalMaps.forId(canonicalMapId);
            if (tokenizerId == null) tokenizerId = defaultTokenizer(canonicalMapId);
            return new StatsSettings(this);
        }
    }

    /** The tokenizer that produced the ids a canonical map expects: the map's own vocabulary. */
    static String defaultTokenizer(String canonicalMapId) {
        if (TiktokenVocabulary.isEncoding(canonicalMapId)) return canonicalMapId;
        return canonicalMapId;   // deepseek-v3 or a tokenizer.json path: the HF provider opens both
    }
}
