package io.engramstream.schemas;

import java.util.List;

/**
 * One {@link RecordCodec} per record kind on the bus, with {@link CodecLimits#DEFAULT} and the
 * field checks each kind needs (packed token ids are whole int32s, at most
 * {@code maxTokens}). Thread-safe; share them. Use {@link RecordCodec#withLimits} for others.
 */
public final class Codecs {
    private Codecs() {}

    public static final RecordCodec<CorpusText> CORPUS_TEXT =
            RecordCodec.of(CorpusText.class, CodecLimits.DEFAULT, null);

    public static final RecordCodec<CorpusTokens> CORPUS_TOKENS =
            RecordCodec.of(CorpusTokens.class, CodecLimits.DEFAULT,
                    (r, l) -> TokenIds.validate(r.getTokenIds(), "tokenIds", l.maxTokens()));

    public static final RecordCodec<InferenceTraffic> INFERENCE_TRAFFIC =
            RecordCodec.of(InferenceTraffic.class, CodecLimits.DEFAULT, (r, l) -> {
                TokenIds.validate(r.getPromptTokenIds(), "promptTokenIds", l.maxTokens());
                TokenIds.validate(r.getGeneratedTokenIds(), "generatedTokenIds", l.maxTokens());
            });

    public static final RecordCodec<InferenceRequest> INFERENCE_REQUEST =
            RecordCodec.of(InferenceRequest.class, CodecLimits.DEFAULT, (r, l) -> {
                TokenIds.validate(r.getPromptTokenIds(), "promptTokenIds", l.maxTokens());
                if (r.getMaxNewTokens() < 0) {
                    throw new RecordDecodeException(ErrorKind.INVALID_FIELD, "maxNewTokens is negative: " + r.getMaxNewTokens());
                }
                if (r.getTopK() < 0) {
                    throw new RecordDecodeException(ErrorKind.INVALID_FIELD, "topK is negative: " + r.getTopK());
                }
            });

    public static final RecordCodec<InferenceResponse> INFERENCE_RESPONSE =
            RecordCodec.of(InferenceResponse.class, CodecLimits.DEFAULT, (r, l) -> {
                TokenIds.validate(r.getGeneratedTokenIds(), "generatedTokenIds", l.maxTokens());
                TokenIds.validate(r.getTopTokenIds(), "topTokenIds", l.maxTokens());
                PackedFloats.validate(r.getTopProbabilities(), "topProbabilities", l.maxTokens());
                if (TokenIds.count(r.getTopTokenIds()) != PackedFloats.count(r.getTopProbabilities())) {
                    throw new RecordDecodeException(ErrorKind.INVALID_FIELD, "topTokenIds has " + TokenIds.count(r.getTopTokenIds())
                            + " ids but topProbabilities " + PackedFloats.count(r.getTopProbabilities()) + " values");
                }
            });

    public static final RecordCodec<SnapshotManifest> SNAPSHOT_MANIFEST =
            RecordCodec.of(SnapshotManifest.class, CodecLimits.DEFAULT, null);

    public static final RecordCodec<DeadLetter> DEAD_LETTER =
            RecordCodec.of(DeadLetter.class, CodecLimits.DEFAULT, null);

    private static final List<RecordCodec<?>> ALL = List.of(CORPUS_TEXT, CORPUS_TOKENS, INFERENCE_TRAFFIC,
            INFERENCE_REQUEST, INFERENCE_RESPONSE, SNAPSHOT_MANIFEST, DEAD_LETTER);

    /** Every codec, in the order the records are listed in the issue. */
    public static List<RecordCodec<?>> all() {
        return ALL;
    }

    /** The codec of a record class. */
    @SuppressWarnings("unchecked")
    public static <T extends org.apache.avro.specific.SpecificRecord> RecordCodec<T> forClass(Class<T> type) {
        for (RecordCodec<?> c : ALL) {
            if (c.type() == type) return (RecordCodec<T>) c;
        }
        throw new IllegalArgumentException("no codec for " + type.getName());
    }

    /** The codec of a record by simple schema name ({@code CorpusTokens}), or null. */
    public static RecordCodec<?> forName(String name) {
        for (RecordCodec<?> c : ALL) {
            if (c.schema().getName().equals(name)) return c;
        }
        return null;
    }

    /**
     * The codec whose record kind wrote {@code message} (by its header fingerprint), or null when
     * the message is not single-object encoded or the fingerprint is unknown. For tools that
     * read topics of mixed or unknown kind.
     */
    public static RecordCodec<?> detect(byte[] message) {
        if (message == null || message.length < RecordCodec.HEADER_BYTES
                || message[0] != RecordCodec.MAGIC_0 || message[1] != RecordCodec.MAGIC_1) {
            return null;
        }
        long fp = 0;
        for (int i = 7; i >= 0; i--) fp = (fp << 8) | (message[2 + i] & 0xff);
        for (RecordCodec<?> c : ALL) {
            if (c.knowsWriter(fp)) return c;
        }
        return null;
    }
}
