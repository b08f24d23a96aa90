package io.engramstream.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.engramstream.canon.CanonicalMap;
import io.engramstream.canon.CanonicalMaps;
import io.engramstream.cli.UserError;
import io.engramstream.model.EngramLm;
import io.engramstream.model.ModelConfig;
import io.engramstream.model.memory.EmbeddingRows;
import io.engramstream.model.memory.EngramMemory;
import io.engramstream.model.memory.RowInitializer;
import io.engramstream.model.memory.SpecAddresser;
import io.engramstream.model.memory.TierCounts;
import io.engramstream.spec.EngramSpec;
import io.engramstream.tokenize.TextTokenizer;
import io.engramstream.tokenize.TextTokenizers;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Wires a training run end to end: corpus -> tokens -> model and table -> {@link Trainer} ->
 * checkpoints. A checkpoint directory that already holds a checkpoint is resumed: its model
 * shape, vocabulary, spec and settings win over the request's, and the run continues at the
 * saved step with the batches it would have drawn anyway.
 */
public final class TrainSession {
    private TrainSession() {}

    /** Everything a run needs to know. */
    public record Request(String corpus, String language, long corpusChars, int validEvery, String tokenizer, String spec,
                          int vocab, int hidden, int layers, int heads, boolean engram, TableSetup table,
                          TrainSettings settings, long steps, Path checkpointDir, int checkpointEvery) {
        public Request withEngram(boolean on) {
            return new Request(corpus, language, corpusChars, validEvery, tokenizer, spec, vocab, hidden, layers, heads, on, table,
                    settings, steps, checkpointDir, checkpointEvery);
        }

        public Request withTable(TableSetup t) {
            return new Request(corpus, language, corpusChars, validEvery, tokenizer, spec, vocab, hidden, layers, heads, engram, t,
                    settings, steps, checkpointDir, checkpointEvery);
        }

        public Request withSteps(long n, Path checkpoints) {
            return new Request(corpus, language, corpusChars, validEvery, tokenizer, spec, vocab, hidden, layers, heads, engram, table,
                    settings, n, checkpoints, checkpointEvery);
        }
    }

    /** Tokenized data with the spec it is hashed for; reusable across runs on the same corpus. */
    public record Prepared(TrainData data, CanonicalMap canonical, EngramSpec spec) {}

    /** The outcome of a run; {@code tiers} is null unless the table was tiered. */
    public record Result(List<CurvePoint> curve, long step, double validLoss, double secondsPerStep, long rowsUpdated,
                         String table, ModelConfig config, TierCounts tiers) {}

    public static Prepared prepare(Request r, LmVocabulary vocabulary, Consumer<String> log) {
        long t0 = System.nanoTime();
        TextCorpus corpus = TextCorpus.load(r.corpus(), r.language(), r.corpusChars());
        CanonicalMap canonical = CanonicalMaps.forId(r.tokenizer());
        TrainData data;
        try (TextTokenizer tok = TextTokenizers.forId(r.tokenizer())) {
            data = TrainData.prepare(corpus, tok, canonical, r.vocab(), r.validEvery(), vocabulary);
        } catch (Exception e) {
            if (e instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e);
        }
        EngramSpec spec = TrainingSpecs.resolve(r.spec(), r.tokenizer(), canonical);
        if (spec.compressedVocabSize() != canonical.canonicalVocabSize()) {
            throw new UserError("spec " + spec.name() + " hashes a vocabulary of " + spec.compressedVocabSize()
                    + " canonical ids; tokenizer " + r.tokenizer() + " has " + canonical.canonicalVocabSize());
        }
        log.accept(String.format(Locale.ROOT, "corpus %s: %,d train docs / %,d tokens, %,d held-out docs / %,d tokens; "
                        + "LM vocabulary %,d covers %.1f%% of training tokens (%.1fs)",
                corpus.name(), data.trainDocuments(), data.trainTokens(), data.validDocuments(), data.validTokens(),
                data.vocabulary().size(), 100 * data.trainCoverage(), (System.nanoTime() - t0) / 1e9));
        return new Prepared(data, canonical, spec);
    }

    /** Runs (or resumes) the request's training; prepares the data itself. */
    public static Result run(Request r, Consumer<String> log) throws Exception {
        Path resumeFrom = r.checkpointDir() == null ? null : Checkpoint.latest(r.checkpointDir());
        if (resumeFrom == null) return run(r, prepare(r, null, log), log);
        Checkpoint.TrainState st = Checkpoint.readState(resumeFrom);
        Request saved = resumedRequest(r, st, Checkpoint.readModelConfig(resumeFrom));
        log.accept("resuming from " + resumeFrom + " (step " + st.step() + ")");
        return run(saved, prepare(saved, Checkpoint.readVocabulary(resumeFrom), log), log);
    }

    /** Runs (or resumes) with data prepared already. */
    public static Result run(Request r, Prepared p, Consumer<String> log) throws Exception {
        Path resumeFrom = r.checkpointDir() == null ? null : Checkpoint.latest(r.checkpointDir());
        EngramSpec spec = p.spec();
        TrainSettings s = r.settings();
        ModelConfig config = new ModelConfig(p.data().vocabulary().size(), r.hidden(), r.layers(), r.heads(), s.context(),
                r.engram() ? layerIndexes(spec, r.layers()) : new int[0], spec.headsPerLayer() * spec.embedDimPerHead(), 4, spec.maxNgram());
        if (resumeFrom != null) {
            Checkpoint.TrainState st = Checkpoint.readState(resumeFrom);
            if (r.engram() && !spec.fingerprint().equals(st.specFingerprint())) {
                throw new UserError("checkpoint " + resumeFrom + " was trained with spec " + st.specFingerprint() + ", this run uses " + spec.fingerprint());
            }
            ModelConfig savedConfig = Checkpoint.readModelConfig(resumeFrom);
            if (!savedConfig.equals(config)) throw new UserError("checkpoint " + resumeFrom + " holds a model of " + savedConfig + ", this run builds " + config);
        }
        Engine.getInstance().setRandomSeed((int) s.seed());
        EmbeddingRows rows = null;
        EngramMemory memory = null;
        if (r.engram()) {
            rows = Tables.open(r.table(), spec, new RowInitializer(s.seed(), s.rowInitStd()), p.data(), p.canonical().fingerprint());
            memory = new EngramMemory(new SpecAddresser(spec), rows);
        }
        try (EngramLm lm = new EngramLm(config, memory, NDManager.newBaseManager())) {
            Trainer trainer = new Trainer(lm, p.data(), s);
            if (resumeFrom != null) Checkpoint.restore(resumeFrom, trainer);
            String table = rows == null ? "none" : rows.describe();
            log.accept("model: " + config + "; table: " + table + "; rows " + (rows == null ? "-" : trainer.rowOptimizer()));
            long startStep = trainer.step();
            long t0 = System.nanoTime();
            Checkpoint.TrainState state0 = new Checkpoint.TrainState(0, r.corpus(), r.language(), r.corpusChars(), r.validEvery(),
                    r.tokenizer(), r.spec(), spec.fingerprint(), r.table().kind().name().toLowerCase(Locale.ROOT), s);
            trainer.run(r.steps(), log, (t, last) -> {
                boolean due = r.checkpointDir() != null && (last || (r.checkpointEvery() > 0 && t.step() % r.checkpointEvery() == 0));
                if (due) {
                    Checkpoint.TrainState st = new Checkpoint.TrainState(t.step(), state0.corpus(), state0.language(), state0.corpusChars(),
                            state0.validEvery(), state0.tokenizer(), state0.spec(), state0.specFingerprint(), state0.table(), s);
                    Path at = Checkpoint.save(r.checkpointDir(), t, p.data(), st, r.engram() ? spec.toJson() : null);
                    log.accept("checkpoint " + at);
                }
            });
            double sps = trainer.step() > startStep ? (System.nanoTime() - t0) / 1e9 / (trainer.step() - startStep) : Double.NaN;
            List<CurvePoint> curve = List.copyOf(trainer.curve());
            double valid = Double.NaN;
            for (CurvePoint c : curve) if (!Double.isNaN(c.validLoss())) valid = c.validLoss();
            TierCounts tiers = rows == null ? null : rows.tierCounts();
            if (tiers != null) log.accept("table: " + tiers.describe());
            return new Result(curve, trainer.step(), valid, sps, trainer.rowsUpdated(), table, config, tiers);
        } finally {
            if (rows != null) rows.close();
        }
    }

    /** The model layers that get an Engram block: the spec's layer ids, which must exist in the model. */
    static int[] layerIndexes(EngramSpec spec, int layers) {
        int[] ids = spec.layerIds().stream().mapToInt(Integer::intValue).toArray();
        for (int id : ids) {
            if (id >= layers) {
                throw new UserError("spec " + spec.name() + " places Engram at layer " + id + " but the model has " + layers
                        + " layers (--layers " + (id + 1) + " or a spec with lower layer ids)");
            }
        }
        return ids;
    }

    private static Request resumedRequest(Request r, Checkpoint.TrainState st, ModelConfig mc) {
        if (r.engram() != mc.hasEngram()) {
            throw new UserError("checkpoint in " + r.checkpointDir() + " is a model " + (mc.hasEngram() ? "with" : "without")
                    + " Engram; run with" + (mc.hasEngram() ? "out --no-engram" : " --no-engram") + " or use another --checkpoint");
        }
        if (!r.corpus().equals(st.corpus())) {
            throw new UserError("checkpoint in " + r.checkpointDir() + " trained on corpus " + st.corpus() + ", not " + r.corpus());
        }
        return new Request(st.corpus(), st.language(), st.corpusChars(), st.validEvery(), st.tokenizer(), st.spec(), mc.vocabSize(),
                mc.hidden(), mc.layers(), mc.attentionHeads(), mc.hasEngram(), r.table(), st.settings(), r.steps(),
                r.checkpointDir(), r.checkpointEvery());
    }
}
