package io.engramstream.store;

import io.engramstream.hash.NgramHasher;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A table of the tiny spec whose every value the test chose (and remembers in a flat array): the
 * flat in-memory reference that every placement must match. Values are multiples of 1/16, exact in
 * every row format.
 */
final class TestTables {
    final EngramSpec spec;
    final StoreLayout layout;
    final float[][] flat;   // per layer, rows x dim
    final ColdTable cold;

    /** The tiny spec with rows of {@code format}. */
    static EngramSpec tinySpec(RowFormat format) {
        return EngramSpec.tiny().toBuilder().dtype(format.dtype()).build();
    }

    TestTables(Path dir, RowFormat format, long seed) throws IOException {
        this(dir, tinySpec(format), seed, ColdTable.DEFAULT_CHUNK_BYTES);
    }

    TestTables(Path dir, EngramSpec spec, long seed, long chunkBytes) throws IOException {
        this.spec = spec;
        layout = StoreLayout.of(spec);
        Path file = dir.resolve("table-" + layout.format() + "-" + seed + ColdTable.EXTENSION);
        try (ColdTable init = ColdTable.createEmpty(file, layout)) {
            flat = new float[layout.numLayers()][];
            Random r = new Random(seed);
            for (int l = 0; l < layout.numLayers(); l++) {
                flat[l] = new float[(int) layout.rowsPerLayer(l) * layout.dim()];
                for (int i = 0; i < flat[l].length; i++) {
                    // multiples of 1/16 in [-8, 8): exact in fp32, bf16 and fp16 alike
                    flat[l][i] = (r.nextInt(256) - 128) / 16f;
                }
                for (long row = 0; row < layout.rowsPerLayer(l); row++) {
                    init.writeRow(init.globalRow(l, row), flat[l], (int) row * layout.dim());
                }
            }
        }
        cold = ColdTable.open(file, layout, true, chunkBytes);
    }

    /** The rows of {@code layer} that the first sequence of {@code batch} looks up, position by position. */
    long[] firstSequenceRows(TokenBatch batch, int layer) {
        int per = batch.seqLen() * layout.headsPerLayer();
        long[] keys = new long[layout.numLayers() * per];
        hasher().hashRowKeys(batch.tokens(), 0, batch.seqLen(), keys);
        long[] rows = new long[per];
        for (int i = 0; i < per; i++) rows[i] = RowKey.row(keys[layer * per + i]);
        return rows;
    }

    /** Writes rows through the store and the same values into the flat reference (a later duplicate row wins in both). */
    void writeRows(TieredEmbeddingStore store, int layer, long[] rows, float[] values) {
        store.writeRows(layer, rows, values);
        int dim = layout.dim();
        for (int i = 0; i < rows.length; i++) System.arraycopy(values, i * dim, flat[layer], (int) rows[i] * dim, dim);
    }

    TokenHasher hasher() {
        return new NgramHasher(spec)::hashRowKeys;
    }

    TieredEmbeddingStore.Builder store() {
        return TieredEmbeddingStore.builder(spec, cold).device(ai.djl.Device.cpu()).ownsColdTable(true);
    }

    /** The expected lookup of a batch, computed from the flat table: per layer [B*T*H*dim]. */
    float[][] expected(TokenBatch batch) {
        int bs = batch.batchSize(), len = batch.seqLen(), heads = layout.headsPerLayer(), dim = layout.dim();
        long[] keys = new long[layout.numLayers() * len * heads];
        float[][] out = new float[layout.numLayers()][bs * len * heads * dim];
        TokenHasher h = hasher();
        for (int b = 0; b < bs; b++) {
            h.hashRowKeys(batch.tokens(), b * len, len, keys);
            for (int l = 0; l < layout.numLayers(); l++) {
                for (int t = 0; t < len; t++) {
                    for (int j = 0; j < heads; j++) {
                        long row = RowKey.row(keys[(l * len + t) * heads + j]);
                        System.arraycopy(flat[l], (int) row * dim, out[l], ((b * len + t) * heads + j) * dim, dim);
                    }
                }
            }
        }
        return out;
    }

    static TokenBatch randomBatch(Random r, int bs, int len) {
        int vocab = 98_627;
        int[] t = new int[bs * len];
        for (int i = 0; i < t.length; i++) {
            // skewed: most tokens from a small head of the vocabulary, like text
            t[i] = r.nextInt(4) == 0 ? r.nextInt(vocab) : r.nextInt(Math.max(1, vocab / 20));
        }
        return TokenBatch.wrap(bs, len, t);
    }

    /** A random split of every row into hot, warm and cold. */
    static PlacementPlan randomPlan(StoreLayout layout, Random r, String id, double hotShare, double warmShare) {
        long[] hot = new long[(int) layout.totalRows()];
        long[] warm = new long[(int) layout.totalRows()];
        int h = 0, w = 0;
        for (int l = 0; l < layout.numLayers(); l++) {
            for (long row = 0; row < layout.rowsPerLayer(l); row++) {
                double u = r.nextDouble();
                if (u < hotShare) hot[h++] = RowKey.of(l, row);
                else if (u < hotShare + warmShare) warm[w++] = RowKey.of(l, row);
            }
        }
        return PlacementPlan.full(id, java.util.Arrays.copyOf(hot, h), java.util.Arrays.copyOf(warm, w), layout.specFingerprint(), null);
    }
}
