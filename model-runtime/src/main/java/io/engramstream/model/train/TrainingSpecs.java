package io.engramstream.model.train;

import io.engramstream.canon.CanonicalMap;
import io.engramstream.spec.EmbeddingDType;
import io.engramstream.spec.EngramSpec;

/**
 * The Engram spec the small language model trains with by default: the reference's hashing
 * (orders 2 and 3, multiplicative-XOR, prime-sized heads, seed 0) on a tokenizer's canonical
 * ids, scaled to a few hundred thousand training tokens: one Engram layer (in front of
 * transformer layer 1), 4 heads per order, about 20,000 buckets per head, 16 floats per row.
 * The memory per position is then 2 orders x 4 heads x 16 = 128 floats.
 */
public final class TrainingSpecs {
    public static final String PRESET = "lm-small";

    private TrainingSpecs() {}

    public static EngramSpec small(String tokenizerId, CanonicalMap canonical) {
        return EngramSpec.builder().name(PRESET + "-" + tokenizerId).layerIds(1).maxNgram(3).headsPerNgram(4)
                .tableSizes(20_000, 20_000).seed(0).padId(0)
                .compressedVocabSize(canonical.canonicalVocabSize()).canonicalMapId(tokenizerId)
                .embedDimPerHead(16).dtype(EmbeddingDType.FP32).build();
    }

    /** {@code lm-small} or anything {@link EngramSpec#resolve} accepts. */
    public static EngramSpec resolve(String nameOrPath, String tokenizerId, CanonicalMap canonical) {
        return nameOrPath.equals(PRESET) ? small(tokenizerId, canonical) : EngramSpec.resolve(nameOrPath);
    }
}
