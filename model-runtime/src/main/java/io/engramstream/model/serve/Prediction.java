package io.engramstream.model.serve;

/**
 * The answer to a {@link Query}: the {@code topK} most likely next tokens after the prompt
 * (tokenizer ids, most likely first) with their probabilities, the generated tokens, and how
 * many Engram row lookups each tier served while answering.
 */
public record Prediction(int[] topIds, float[] topProbabilities, int[] generated, long hotLookups, long warmLookups, long coldLookups) {}
