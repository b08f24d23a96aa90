package io.engramstream.stats.job;

import io.engramstream.schemas.Codecs;
import io.engramstream.schemas.CorpusText;
import io.engramstream.schemas.CorpusTokens;
import io.engramstream.schemas.DeadLetter;
import io.engramstream.schemas.DeadLetters;
import io.engramstream.schemas.ErrorKind;
import io.engramstream.schemas.InferenceTraffic;
import io.engramstream.schemas.RecordCodec;
import io.engramstream.schemas.RecordDecodeException;
import io.engramstream.schemas.TokenIds;
import io.engramstream.stats.Mix64;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import io.engramstream.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns any input record into validated canonical token ids: decodes bus messages with the
 * contracts' bounded codecs, checks spec and canonical-map fingerprints and the tokenizer,
 * tokenizes text, canonicalizes and range-checks every id. A record that fails any check goes
 * whole to the dead-letter output with its reason, and a marker carries the rejection into the
 * job's checkpointed counters; nothing else is lost and the job keeps running.
 */
public final class DecodeFunction extends ProcessFunction<InputRecord, TokenChunk> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", DeadLetterSerializer.TYPE);

    private final StatsSettings settings;
    private transient TextTokenizer tokenizer;
    private transient RecordCodec<CorpusTokens> corpusTokensCodec;
    private transient RecordCodec<CorpusText> corpusTextCodec;
    private transient RecordCodec<InferenceTraffic> trafficCodec;
    private transient CorpusTokens tokensReuse;
    private transient int[] rawScratch;
    private transient Counter deadLetterCounter;

    public DecodeFunction(StatsSettings settings) {
        this.settings = settings;
    }

    @Override public void open(OpenContext ctx) {
        corpusTokensCodec = Codecs.CORPUS_TOKENS.withLimits(Codecs.CORPUS_TOKENS.limits().withMaxTokens(settings.maxRecordTokens));
        corpusTextCodec = Codecs.CORPUS_TEXT;
        trafficCodec = Codecs.INFERENCE_TRAFFIC.withLimits(Codecs.INFERENCE_TRAFFIC.limits().withMaxTokens(settings.maxRecordTokens));
        rawScratch = new int[1024];
        deadLetterCounter = getRuntimeContext().getMetricGroup().addGroup("engram").counter("deadLetters");
    }

    @Override public void close() throws Exception {
        if (tokenizer != null) tokenizer.close();
    }

    @Override public void processElement(InputRecord in, Context ctx, Collector<TokenChunk> out) {
        if (settings.decodeDelayMicros > 0) java.util.concurrent.locks.LockSupport.parkNanos(settings.decodeDelayMicros * 1000L);
        try {
            switch (in.kind) {
                case InputRecord.TEXT -> emitText(in.origin, in.docId, in.chunkIndex, in.lastChunk, in.source, in.timestamp, in.offset, in.text, out);
                case InputRecord.TOKENS -> emitRaw(key(in.origin, in.docId, in.offset), in.chunkIndex, in.lastChunk, in.source,
                        in.timestamp, in.tokens, in.tokens.length, out);
                case InputRecord.MESSAGE -> decodeMessage(in, out);
                case InputRecord.INVALID -> throw new Rejected(ErrorKind.UNDECODABLE, in.error);
                default -> throw new Rejected(ErrorKind.OTHER, "unknown input kind " + in.kind);
            }
        } catch (Rejected r) {
            reject(in, r.kind, r.getMessage(), ctx, out);
        } catch (RecordDecodeException e) {
            reject(in, e.kind(), e.reason(), ctx, out);
        } catch (RuntimeException e) {
            // A record that breaks the tokenizer or a codec in an unexpected way is still just a bad record.
            reject(in, ErrorKind.OTHER, e.getClass().getSimpleName() + ": " + e.getMessage(), ctx, out);
        }
    }

    /**
     * Decodes a bus message: by topic for the catalog's topics, else by the schema fingerprint in
     * its single-object header (so the job reads renamed topics too).
     */
    private void decodeMessage(InputRecord in, Collector<TokenChunk> out) throws RecordDecodeException, Rejected {
        byte[] bytes = in.bytes;
        Class<?> type = switch (in.origin) {
            case TopicCatalog.CORPUS_TOKENS -> CorpusTokens.class;
            case TopicCatalog.CORPUS_TEXT -> CorpusText.class;
            case TopicCatalog.INFERENCE_TRAFFIC -> InferenceTraffic.class;
            default -> {
                RecordCodec<?> c = Codecs.detect(bytes);
                // Not detectable: let a codec name the problem (EMPTY, BAD_HEADER, UNKNOWN_SCHEMA, ...).
                yield c == null ? CorpusTokens.class : c.type();
            }
        };
        if (type == CorpusTokens.class) {
            tokensReuse = corpusTokensCodec.decode(bytes, tokensReuse);
            CorpusTokens r = tokensReuse;
            String tok = r.getTokenizerId();
            if (!tok.equals(settings.canonicalMapId) && !tok.equals(settings.canonicalVocabularyId)) {
                throw new Rejected(ErrorKind.CANONICAL_MAP_MISMATCH, "tokens from tokenizer '" + tok
                        + "' but the spec's canonical map is for '" + settings.canonicalVocabularyId + "'");
            }
            String fp = r.getCanonicalMapFingerprint();
            if (fp != null && !fp.equals(settings.canonicalMapFingerprint)) {
                throw new Rejected(ErrorKind.CANONICAL_MAP_MISMATCH, "record pins canonical map " + fp
                        + " but the job uses " + settings.canonicalMapFingerprint);
            }
            ByteBuffer ids = r.getTokenIds();
            int n = TokenIds.count(ids);
            if (rawScratch.length < n) rawScratch = new int[Math.max(n, rawScratch.length * 2)];
            TokenIds.unpack(ids, rawScratch, 0);
            emitRaw(key(r.getSource(), r.getDocumentId(), 0), r.getChunkIndex(), r.getLastChunk(), TokenChunk.CORPUS,
                    r.getEventTime().toEpochMilli(), rawScratch, n, out);
        } else if (type == CorpusText.class) {
            CorpusText r = corpusTextCodec.decode(bytes);
            emitText(r.getSource(), r.getDocumentId(), r.getChunkIndex(), r.getLastChunk(), TokenChunk.CORPUS,
                    r.getEventTime().toEpochMilli(), in.offset, r.getText(), out);
        } else if (type == InferenceTraffic.class) {
            InferenceTraffic r = trafficCodec.decode(bytes);
            if (!r.getSpecFingerprint().equals(settings.spec.fingerprint())) {
                throw new Rejected(ErrorKind.SPEC_MISMATCH, "served with spec " + r.getSpecFingerprint()
                        + " but the job counts for spec " + settings.spec.fingerprint());
            }
            ByteBuffer prompt = r.getPromptTokenIds(), gen = r.getGeneratedTokenIds();
            int np = TokenIds.count(prompt), ng = TokenIds.count(gen);
            if ((long) np + ng > settings.maxRecordTokens) {
                throw new Rejected(ErrorKind.OVERSIZE, (np + ng) + " tokens, more than the limit of " + settings.maxRecordTokens);
            }
            int[] all = new int[np + ng];
            TokenIds.unpack(prompt, all, 0);
            TokenIds.unpack(gen, all, np);
            // The served sequence is the prompt followed by the generated tokens: one document.
            emitRaw(key("inference", r.getRequestId(), 0), 0, true, TokenChunk.INFERENCE, r.getEventTime().toEpochMilli(), all, all.length, out);
        } else {
            throw new Rejected(ErrorKind.OTHER, "a " + type.getSimpleName() + " record is not statistics input (topic " + in.origin + ")");
        }
    }

    private void emitText(String origin, String docId, int chunkIndex, boolean last, byte source, long timestamp, long offset,
                          String text, Collector<TokenChunk> out) throws Rejected {
        if (text.length() > settings.maxTextChars) {
            throw new Rejected(ErrorKind.OVERSIZE, text.length() + " characters, more than the limit of " + settings.maxTextChars);
        }
        if (tokenizer == null) tokenizer = TextTokenizers.forId(settings.tokenizerId);
        int[] raw = tokenizer.encode(text);
        emitRaw(key(origin, docId, offset), chunkIndex, last, source, timestamp, raw, raw.length, out);
    }

    /** Canonicalizes and range-checks {@code raw[0, n)} into a fresh chunk (the chunk owns its array). */
    private void emitRaw(long docKey, int chunkIndex, boolean last, byte source, long timestamp, int[] raw, int n,
                         Collector<TokenChunk> out) throws Rejected {
        if (n > settings.maxRecordTokens) {
            throw new Rejected(ErrorKind.OVERSIZE, n + " tokens, more than the limit of " + settings.maxRecordTokens);
        }
        if (chunkIndex < 0) throw new Rejected(ErrorKind.INVALID_FIELD, "negative chunk index " + chunkIndex);
        int[] lookup = settings.canonicalLookup;
        int vocab = lookup.length;
        int[] canon = new int[n];
        for (int i = 0; i < n; i++) {
            int id = raw[i];
            if (id < 0 || id >= vocab) {
                throw new Rejected(ErrorKind.TOKEN_OUT_OF_VOCABULARY, "token id " + id + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
            canon[i] = lookup[id];
        }
        TokenChunk c = TokenChunk.whole(docKey, source, timestamp, canon, n);
        c.chunkIndex = chunkIndex;
        c.last = last;
        out.collect(c);
    }

    private void reject(InputRecord in, ErrorKind kind, String reason, Context ctx, Collector<TokenChunk> out) {
        byte[] raw = switch (in.kind) {
            case InputRecord.TEXT, InputRecord.INVALID -> in.text == null ? null : in.text.getBytes(StandardCharsets.UTF_8);
            case InputRecord.TOKENS -> in.tokens == null ? null : bytesOf(TokenIds.pack(in.tokens));
            default -> in.bytes;
        };
        ctx.output(DEAD_LETTERS, DeadLetters.of(in.origin, in.partition, in.offset, raw, kind, reason, Instant.now()));
        deadLetterCounter.inc();
        out.collect(TokenChunk.deadLetterMarker(key(in.origin, null, in.offset)));
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** The document's identity as 64 bits: its chunks share it; whole documents spread over subtasks. */
    static long key(String origin, String docId, long offset) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, origin == null ? "" : origin);
        h = (h ^ 0x1F) * 0x100000001b3L;
        if (docId != null) h = fnv(h, docId);
        else h = (h ^ offset) * 0x100000001b3L;
        return Mix64.mix(h);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 0x100000001b3L;
        return h;
    }

    /** A record the job refuses, with the dead-letter kind. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final ErrorKind kind;

        Rejected(ErrorKind kind, String reason) {
            super(reason, null, false, false);
            this.kind = kind;
        }
    }
}
