package io.engramstream.placement;

/**
 * What one placement decided, in numbers.
 *
 * @param candidates rows the shards emitted (plus previous residents and pinned rows without statistics)
 * @param hotRows    rows placed hot
 * @param warmRows   rows placed warm
 * @param promotions rows loaded into a faster tier (cold to warm, cold to hot, warm to hot)
 * @param demotions  rows moved to a slower tier
 * @param deferred   promotions the cap held back for a later publication
 */
public record PlacementSummary(long candidates, long hotRows, long warmRows, long promotions, long demotions, long deferred) {}
