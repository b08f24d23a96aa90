package io.engramstream.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Shape of a {@link TinyLanguageModel}.
 *
 * @param vocabSize      the model's own (compact) vocabulary, including the unknown-token id 0
 * @param hidden         residual stream width H
 * @param layers         causal transformer layers
 * @param attentionHeads heads per attention layer
 * @param contextLength  tokens per training window
 * @param engramLayers   the layers that get an Engram block in front of them (the spec's layer
 *                       ids); empty for the baseline without Engram
 * @param memoryDim      width of the retrieved memory e: headsPerLayer * embedDimPerHead
 * @param convKernel     short-convolution kernel (4)
 * @param convDilation   short-convolution dilation (the spec's largest N-gram order)
 */
public record ModelConfig(int vocabSize, int hidden, int layers, int attentionHeads, int contextLength,
                          int[] engramLayers, int memoryDim, int convKernel, int convDilation) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        if (vocabSize < 2 || hidden < 1 || layers < 1 || attentionHeads < 1 || contextLength < 1) {
            throw new IllegalArgumentException("model sizes must be positive");
        }
        engramLayers = engramLayers.clone();
        for (int l : engramLayers) {
            if (l < 0 || l >= layers) {
                throw new IllegalArgumentException("Engram layer " + l + " needs a model with more than " + l
                        + " layers; this one has " + layers);
            }
        }
    }

    public boolean hasEngram() { return engramLayers.length > 0; }

    public ModelConfig withoutEngram() {
        return new ModelConfig(vocabSize, hidden, layers, attentionHeads, contextLength, new int[0], memoryDim, convKernel, convDilation);
    }

    /** Index of the Engram block in front of {@code layer}, or -1. */
    public int engramIndexAt(int layer) {
        for (int i = 0; i < engramLayers.length; i++) if (engramLayers[i] == layer) return i;
        return -1;
    }

    public void save(Path file) throws IOException { JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this); }

    public static ModelConfig load(Path file) throws IOException { return JSON.readValue(file.toFile(), ModelConfig.class); }

    @Override public boolean equals(Object o) {
        return o instanceof ModelConfig c && c.vocabSize == vocabSize && c.hidden == hidden && c.layers == layers
                && c.attentionHeads == attentionHeads && c.contextLength == contextLength
                && Arrays.equals(c.engramLayers, engramLayers) && c.memoryDim == memoryDim
                && c.convKernel == convKernel && c.convDilation == convDilation;
    }

    @Override public int hashCode() { return Arrays.hashCode(engramLayers) * 31 + vocabSize * 17 + hidden; }

    @Override public String toString() {
        return "vocab " + vocabSize + ", hidden " + hidden + ", " + layers + " layers x " + attentionHeads + " heads, context "
                + contextLength + (hasEngram() ? ", Engram at " + Arrays.toString(engramLayers) + " (memory " + memoryDim + ")" : ", no Engram");
    }
}
