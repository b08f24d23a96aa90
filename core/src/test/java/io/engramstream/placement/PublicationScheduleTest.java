package io.engramstream.placement;

import static org.junit.jupiter.api.Assertions.*;

import io.engramstream.config.EngramConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PublicationScheduleTest {
    @Test
    void dueOnTimeOrTokensWhicheverFirst() {
        PublicationSchedule s = new PublicationSchedule(Duration.ofSeconds(10), 1000);
        assertFalse(s.isDue(0, 0));
        assertFalse(s.isDue(9_999, 999));
        assertTrue(s.isDue(9_999, 1000), "token count reached");
        assertTrue(s.isDue(10_000, 5), "interval reached");
        s.published(10_000, 1000);
        assertFalse(s.isDue(15_000, 1500));
        assertTrue(s.isDue(20_000, 1500));
    }

    @Test
    void eitherTriggerCanBeOffAndTheEndOfInputPublishesOnlyNews() {
        PublicationSchedule tokensOnly = PublicationSchedule.from(new EngramConfig()
                .set(PublicationSchedule.INTERVAL, Duration.ZERO).set(PublicationSchedule.EVERY_TOKENS, 100L));
        assertFalse(tokensOnly.isDue(0, 0));
        assertFalse(tokensOnly.isDue(Long.MAX_VALUE / 2, 99));
        assertTrue(tokensOnly.isDue(Long.MAX_VALUE / 2, 100));
        assertTrue(tokensOnly.dueAtEnd(50), "nothing published yet");
        tokensOnly.published(1, 50);
        assertFalse(tokensOnly.dueAtEnd(50), "nothing new since the last publication");
        assertTrue(tokensOnly.dueAtEnd(51));
        assertThrows(IllegalArgumentException.class, () -> new PublicationSchedule(Duration.ofSeconds(-1), 0));
    }
}
