package io.engramstream.placement;

import io.engramstream.config.EngramConfig;
import io.engramstream.config.EngramOption;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * When to publish: every {@code interval} of processing time and/or every {@code everyTokens}
 * tokens, whichever comes first (either may be off), and always at the end of a bounded input
 * (the caller asks {@link #dueAtEnd}). Plain state, so a job can keep it in operator state.
 */
public final class PublicationSchedule implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final EngramOption<Duration> INTERVAL = EngramOption.duration("snapshot.interval", Duration.ofSeconds(60),
            "Publish a snapshot at least this often (0s: not on time)");
    public static final EngramOption<Long> EVERY_TOKENS = EngramOption.longInt("snapshot.every-tokens", 0L,
            "Publish a snapshot every this many tokens (0: not on token count)");
    public static final List<EngramOption<?>> ALL = List.of(INTERVAL, EVERY_TOKENS);

    private final long intervalMillis;
    private final long everyTokens;
    private long lastMillis = Long.MIN_VALUE;
    private long lastTokens;

    public PublicationSchedule(Duration interval, long everyTokens) {
        this.intervalMillis = interval == null ? 0 : interval.toMillis();
        this.everyTokens = everyTokens;
        if (intervalMillis < 0 || everyTokens < 0) throw new IllegalArgumentException("schedule values must not be negative");
    }

    public static PublicationSchedule from(EngramConfig config) {
        return new PublicationSchedule(config.get(INTERVAL), config.get(EVERY_TOKENS));
    }

    /** Whether a publication is due at processing time {@code nowMillis} after {@code tokens} tokens in all. */
    public boolean isDue(long nowMillis, long tokens) {
        if (lastMillis == Long.MIN_VALUE) lastMillis = nowMillis; // the clock starts at the first question
        if (intervalMillis > 0 && nowMillis - lastMillis >= intervalMillis) return true;
        return everyTokens > 0 && tokens - lastTokens >= everyTokens;
    }

    /** At the end of a bounded input: due when anything was counted since the last publication. */
    public boolean dueAtEnd(long tokens) { return tokens > lastTokens || lastMillis == Long.MIN_VALUE; }

    /** Records a publication. */
    public void published(long nowMillis, long tokens) {
        lastMillis = nowMillis;
        lastTokens = tokens;
    }
}
