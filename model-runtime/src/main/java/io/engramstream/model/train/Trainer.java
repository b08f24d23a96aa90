package io.engramstream.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.engramstream.model.DenseAdam;
import io.engramstream.model.EngramLm;
import io.engramstream.model.memory.SparseRowOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The training loop: draw a batch for the step, gather memory rows, forward, cross-entropy,
 * backward; Adam on the dense parameters; a sparse row step on exactly the table rows the batch
 * touched. Validation on fixed held-out windows every {@code evalEvery} steps.
 */
public final class Trainer {
    private final EngramLm lm;
    private final TrainData data;
    private final TrainSettings settings;
    private final DenseAdam adam;
    private final SparseRowOptimizer rowOptimizer;
    private final List<CurvePoint> curve = new ArrayList<>();
    private final int[] inputs, hashTokens, targets;
    private long step;
    private double elapsedBefore;
    private long rowsUpdated;

    public Trainer(EngramLm lm, TrainData data, TrainSettings settings) {
        this.lm = lm;
        this.data = data;
        this.settings = settings;
        this.adam = new DenseAdam(lm.model(), lm.manager(), settings.learningRate(), settings.clipNorm());
        this.rowOptimizer = lm.memory() == null ? null
                : SparseRowOptimizer.of(settings.rowOptimizer(), lm.memory().rowDim(), settings.rowLearningRate());
        int n = settings.batch() * settings.context();
        inputs = new int[n];
        hashTokens = new int[n];
        targets = new int[n];
    }

    public EngramLm lm() { return lm; }
    public TrainSettings settings() { return settings; }
    public DenseAdam denseOptimizer() { return adam; }
    public SparseRowOptimizer rowOptimizer() { return rowOptimizer; }
    public long step() { return step; }
    public List<CurvePoint> curve() { return curve; }
    public long rowsUpdated() { return rowsUpdated; }

    /** Restores the loop position of a checkpoint (parameters and optimizer state are restored by {@link Checkpoint}). */
    void resumeAt(long step, List<CurvePoint> curveSoFar) {
        this.step = step;
        curve.clear();
        curve.addAll(curveSoFar);
        elapsedBefore = curveSoFar.isEmpty() ? 0 : curveSoFar.get(curveSoFar.size() - 1).elapsedSeconds();
    }

    /** Runs one step and returns its training loss. */
    public double trainStep() {
        int b = settings.batch(), t = settings.context();
        data.trainBatch(settings.seed(), step, b, t, inputs, hashTokens, targets);
        double loss;
        try (NDManager sm = lm.manager().newSubManager()) {
            EngramLm.Forward f;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                f = lm.forward(sm, inputs, hashTokens, b, t, true);
                NDArray l = EngramLm.crossEntropy(f.logits(), targets);
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Double.isFinite(loss)) {
                // Stop before the optimizers spread it into every parameter and row.
                throw new IllegalStateException("training diverged at step " + (step + 1) + ": the loss is " + loss
                        + "; resume from the last checkpoint, or lower --lr / --row-lr");
            }
            adam.step();
            if (rowOptimizer != null) rowsUpdated += lm.memory().applyGradients(f.retrieved(), rowOptimizer);
        }
        step++;
        return loss;
    }

    /** Mean cross-entropy per token over the first {@code evalWindows} validation windows (or all there are). */
    public double validate() {
        int t = settings.context();
        int windows = Math.min(settings.evalWindows(), data.validWindows(t));
        if (windows == 0) return Double.NaN;
        int b = settings.batch();
        double sum = 0;
        int[] in = new int[b * t], ht = new int[b * t], tg = new int[b * t];
        for (int w = 0; w < windows; w += b) {
            int n = Math.min(b, windows - w);
            for (int i = 0; i < n; i++) data.validWindow(w + i, i, t, in, ht, tg);
            try (NDManager sm = lm.manager().newSubManager()) {
                EngramLm.Forward f = lm.forward(sm, in, ht, n, t, false);
                int[] tgn = n == b ? tg : java.util.Arrays.copyOf(tg, n * t);
                sum += EngramLm.crossEntropy(f.logits(), tgn).getFloat() * n;
            }
        }
        return sum / windows;
    }

    /**
     * Trains until {@code untilStep}, validating every {@code evalEvery} steps and at the end,
     * calling {@code afterStep} after each step (for checkpoints) and logging progress lines.
     */
    public void run(long untilStep, Consumer<String> log, StepHook afterStep) throws Exception {
        long t0 = System.nanoTime();
        long startStep = step;
        double window = 0;
        int inWindow = 0;
        while (step < untilStep) {
            double loss = trainStep();
            window += loss;
            inWindow++;
            boolean last = step == untilStep;
            boolean eval = last || (settings.evalEvery() > 0 && step % settings.evalEvery() == 0);
            double valid = eval ? validate() : Double.NaN;
            double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
            curve.add(new CurvePoint(step, loss, valid, elapsed));
            if (eval || step % Math.max(1, settings.logEvery()) == 0) {
                double mean = window / inWindow;
                double rate = (step - startStep) * (double) settings.batch() * settings.context() / ((System.nanoTime() - t0) / 1e9);
                long left = untilStep - step;
                double eta = left * ((System.nanoTime() - t0) / 1e9) / (step - startStep);
                log.accept(String.format(java.util.Locale.ROOT, "step %d/%d  loss %.4f  ppl %.1f%s  %.0f tok/s  eta %s",
                        step, untilStep, mean, Math.exp(mean),
                        Double.isNaN(valid) ? "" : String.format(java.util.Locale.ROOT, "  valid %.4f (ppl %.1f)", valid, Math.exp(valid)),
                        rate, formatSeconds(eta)));
                window = 0;
                inWindow = 0;
            }
            afterStep.after(this, last);
        }
    }

    @FunctionalInterface
    public interface StepHook {
        void after(Trainer trainer, boolean last) throws Exception;
    }

    static String formatSeconds(double s) {
        if (!Double.isFinite(s)) return "?";
        long r = Math.round(s);
        return r >= 60 ? (r / 60) + "m" + String.format("%02d", r % 60) + "s" : r + "s";
    }
}
