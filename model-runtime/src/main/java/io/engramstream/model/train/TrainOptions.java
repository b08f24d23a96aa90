package io.engramstream.model.train;

import io.engramstream.config.EngramConfig;
import io.engramstream.config.EngramOption;
import io.engramstream.model.memory.SparseRowOptimizer;
import java.util.List;
import java.util.Locale;

/** Options of {@code engram train} (and the model benchmark), with their defaults. */
public final class TrainOptions {
    private TrainOptions() {}

    public static final EngramOption<String> LANGUAGE = EngramOption.string("language", "en",
            "keep only documents in this language (en) or all of them (any)");
    public static final EngramOption<Long> CORPUS_CHARS = EngramOption.longInt("corpus-chars", 3_000_000L,
            "read at most this many characters of kept text (0 = all)");
    public static final EngramOption<Integer> VALID_EVERY = EngramOption.integer("valid-every", 20,
            "hold out every n-th document as the validation split");
    public static final EngramOption<String> TOKENIZER = EngramOption.string("tokenizer", "cl100k_base",
            "tokenizer (and canonical map) id: cl100k_base, o200k_base, deepseek-v3, ...");
    public static final EngramOption<String> SPEC = EngramOption.string("spec", TrainingSpecs.PRESET,
            "Engram spec: lm-small (one layer, 4 heads/order, ~20k buckets, 16 dims), a preset or a spec file");
    public static final EngramOption<Integer> VOCAB = EngramOption.integer("vocab", 4096,
            "LM output vocabulary: the most frequent training tokens (+1 unknown)");
    public static final EngramOption<Integer> HIDDEN = EngramOption.integer("hidden", 128, "residual stream width");
    public static final EngramOption<Integer> LAYERS = EngramOption.integer("layers", 2, "transformer layers");
    public static final EngramOption<Integer> HEADS = EngramOption.integer("heads", 4, "attention heads");
    public static final EngramOption<Integer> CONTEXT = EngramOption.integer("context", 64, "tokens per training window");
    public static final EngramOption<Integer> BATCH = EngramOption.integer("batch", 8, "windows per step");
    public static final EngramOption<Double> LR = EngramOption.real("lr", 3e-3, "Adam learning rate of the dense parameters");
    public static final EngramOption<Double> ROW_LR = EngramOption.real("row-lr", 0.1, "learning rate of the table rows");
    public static final EngramOption<String> ROW_OPTIMIZER = EngramOption.string("row-optimizer", "adagrad",
            "optimizer of the table rows: adagrad or sgd (state per row)");
    public static final EngramOption<Double> ROW_INIT_STD = EngramOption.real("row-init-std", 1.0,
            "standard deviation of the table rows' seeded initial values");
    public static final EngramOption<Long> SEED = EngramOption.longInt("seed", 42L, "seed of the dense init, row init and batch draw");
    public static final EngramOption<Double> CLIP = EngramOption.real("clip", 1.0, "global gradient-norm clip of the dense parameters (0 = off)");
    public static final EngramOption<Integer> EVAL_EVERY = EngramOption.integer("eval-every", 50, "steps between validation passes");
    public static final EngramOption<Integer> EVAL_WINDOWS = EngramOption.integer("eval-windows", 1000,
            "held-out windows per validation pass (the first n; all of them if fewer)");
    public static final EngramOption<Integer> LOG_EVERY = EngramOption.integer("log-every", 10, "steps between progress lines");
    public static final EngramOption<Integer> CHECKPOINT_EVERY = EngramOption.integer("checkpoint-every", 100,
            "steps between checkpoints (with --checkpoint)");

    public static final EngramOption<Long> HOT_ROWS = EngramOption.longInt("hot-rows", 16_384L,
            "tiered table without --snapshots: the most-read training rows placed hot");
    public static final EngramOption<Long> WARM_ROWS = EngramOption.longInt("warm-rows", 49_152L,
            "tiered table without --snapshots: the next most-read rows placed warm (the rest stay cold)");
    public static final EngramOption<Integer> THREADS = EngramOption.integer("threads", 0,
            "PyTorch intra-op threads (0 = keep -Dai.djl.pytorch.num_threads); 1 is fastest on a busy machine");

    public static final List<EngramOption<?>> ALL = List.of(THREADS, LANGUAGE, CORPUS_CHARS, VALID_EVERY, TOKENIZER, SPEC, VOCAB, HIDDEN,
            LAYERS, HEADS, CONTEXT, BATCH, LR, ROW_LR, ROW_OPTIMIZER, ROW_INIT_STD, SEED, CLIP, EVAL_EVERY, EVAL_WINDOWS,
            LOG_EVERY, CHECKPOINT_EVERY, HOT_ROWS, WARM_ROWS);

    public static TrainSettings settings(EngramConfig c) {
        return new TrainSettings(c.get(BATCH), c.get(CONTEXT), c.get(LR).floatValue(), c.get(ROW_LR).floatValue(),
                rowOptimizer(c.get(ROW_OPTIMIZER)), c.get(ROW_INIT_STD).floatValue(), c.get(SEED), c.get(CLIP).floatValue(),
                c.get(EVAL_EVERY), c.get(EVAL_WINDOWS), c.get(LOG_EVERY));
    }

    static SparseRowOptimizer.Kind rowOptimizer(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "adagrad" -> SparseRowOptimizer.Kind.ADAGRAD;
            case "sgd" -> SparseRowOptimizer.Kind.SGD;
            default -> throw new IllegalArgumentException("option row-optimizer expects adagrad or sgd, got '" + s + "'");
        };
    }
}
