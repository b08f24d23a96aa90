package io.engramstream.stats.input;

import io.engramstream.stats.Mix64;
import io.engramstream.stats.job.InputRecord;
import io.engramstream.workload.ZipfSampler;
import java.util.SplittableRandom;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A reproducible Zipf token stream for Flink's data generator source: record {@code i} is a
 * document of {@code chunkTokens} raw ids drawn from a generator seeded by {@code i}, so a
 * replay after a failure regenerates exactly the same tokens (and tests can recount them).
 */
public final class ZipfChunks implements GeneratorFunction<Long, InputRecord> {
    private static final long serialVersionUID = 1L;
    private final int vocab;
    private final double exponent;
    private final long seed;
    private final int chunkTokens;
    private transient ZipfSampler sampler;

    public ZipfChunks(int vocab, double exponent, long seed, int chunkTokens) {
        this.vocab = vocab;
        this.exponent = exponent;
        this.seed = seed;
        this.chunkTokens = chunkTokens;
    }

    @Override public void open(SourceReaderContext readerContext) {
        sampler = ZipfSampler.of(vocab, exponent, seed);
    }

    @Override public InputRecord map(Long index) {
        return InputRecord.tokens("zipf", index, generate(index));
    }

    /** The tokens of record {@code index} (what {@link #map} emits). */
    public int[] generate(long index) {
        if (sampler == null) sampler = ZipfSampler.of(vocab, exponent, seed);
        int[] ids = new int[chunkTokens];
        sampler.fill(ids, chunkTokens, new SplittableRandom(Mix64.mix(seed ^ Mix64.mix(index + 1))));
        return ids;
    }

    public int chunkTokens() { return chunkTokens; }
}
