package io.engramstream.model.train;

import io.engramstream.model.memory.SparseRowOptimizer;

/**
 * Hyper-parameters of a training run that do not change the model's shape.
 *
 * @param batch           windows per step
 * @param context         tokens per window (the model's context length)
 * @param learningRate    Adam learning rate of the dense parameters
 * @param rowLearningRate learning rate of the sparse table-row optimizer
 * @param rowOptimizer    SGD or Adagrad for the table rows
 * @param rowInitStd      standard deviation of the table rows' initial values
 * @param seed            seeds the dense init, the row init and the batch draw
 * @param clipNorm        global gradient-norm clip of the dense parameters (0 = off)
 * @param evalEvery       steps between validation passes (0 = only at the end)
 * @param evalWindows     validation windows per pass (the same windows every time)
 * @param logEvery        steps between progress lines
 */
public record TrainSettings(int batch, int context, float learningRate, float rowLearningRate,
                            SparseRowOptimizer.Kind rowOptimizer, float rowInitStd, long seed, float clipNorm,
                            int evalEvery, int evalWindows, int logEvery) {
    public TrainSettings {
        if (batch < 1 || context < 2) throw new IllegalArgumentException("batch must be >= 1 and context >= 2");
    }
}
