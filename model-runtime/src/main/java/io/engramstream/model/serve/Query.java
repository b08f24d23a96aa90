package io.engramstream.model.serve;

/**
 * One prompt to complete: tokenizer ids, how many most likely next tokens to report, how many
 * tokens to generate, and the sampling temperature (0: greedy) with its seed.
 */
public record Query(int[] promptIds, int topK, int maxNewTokens, float temperature, long seed) {}
