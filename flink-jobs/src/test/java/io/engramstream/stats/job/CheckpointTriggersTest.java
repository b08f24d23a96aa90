package io.engramstream.stats.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The publication triggers: pure functions of the barrier values, so subtasks agree, and they re-agree after a missed checkpoint. */
class CheckpointTriggersTest {
    @Test
    void everyNTokensFiresWhenTheCountEntersANewMultiple() {
        CheckpointTriggers t = new CheckpointTriggers(-1, 1000);
        assertFalse(t.due(10, 400, true));
        assertTrue(t.due(20, 1000, true), "reached 1000");
        assertFalse(t.due(30, 1999, true));
        assertTrue(t.due(40, 4500, true), "several multiples between two checkpoints: once");
        assertFalse(t.due(50, 4500, true), "nothing counted");
    }

    @Test
    void theIntervalFollowsCheckpointTimestampsFromTheFirstCheckpoint() {
        CheckpointTriggers t = new CheckpointTriggers(1000, 0);
        assertFalse(t.due(5_000, 0, true), "the first checkpoint starts the clock");
        assertFalse(t.due(5_900, 0, true));
        assertTrue(t.due(6_100, 0, true), "first checkpoint of the next interval");
        assertFalse(t.due(6_900, 0, true));
        assertTrue(t.due(9_000, 0, true));
        assertFalse(new CheckpointTriggers(1000, 0).due(9_000, 0, false), "not for bounded input");
        CheckpointTriggers every = new CheckpointTriggers(0, 0);
        assertTrue(every.due(1, 0, true) && every.due(2, 0, true), "0: every checkpoint");
        CheckpointTriggers never = new CheckpointTriggers(-1, 0);
        assertFalse(never.due(1, 10, true) || never.due(100_000, 1_000_000, true), "negative and 0 tokens: never");
    }

    @Test
    void subtasksThatSeeTheSameBarriersAgreeAndReAgreeAfterAMissedOne() {
        Random rnd = new Random(5);
        CheckpointTriggers a = new CheckpointTriggers(700, 5_000), b = new CheckpointTriggers(700, 5_000);
        long ts = 1_000_000, tokens = 0;
        int disagreements = 0, publications = 0;
        List<Integer> afterMiss = new ArrayList<>();
        for (int cp = 0; cp < 2000; cp++) {
            ts += 50 + rnd.nextInt(400);
            tokens += rnd.nextInt(3000);
            boolean missedByB = cp % 97 == 50;   // aborted before its barrier reached b
            boolean da = a.due(ts, tokens, true);
            if (missedByB) { afterMiss.add(cp); continue; }
            boolean db = b.due(ts, tokens, true);
            if (da != db) {
                disagreements++;
                assertTrue(afterMiss.contains(cp - 1), "checkpoint " + cp + ": disagreement not right after a missed checkpoint");
            }
            if (da && db) publications++;
        }
        assertTrue(publications > 300, "publications: " + publications);
        assertTrue(disagreements <= afterMiss.size(), disagreements + " disagreements for " + afterMiss.size() + " missed checkpoints");
        // Restored from the same state, two subtasks decide identically.
        long[] s = a.state();
        CheckpointTriggers r1 = new CheckpointTriggers(700, 5_000), r2 = new CheckpointTriggers(700, 5_000);
        r1.restore(s[0], s[1], s[2]);
        r2.restore(s[0], s[1], s[2]);
        for (int i = 0; i < 50; i++) {
            ts += 300;
            tokens += 2000;
            assertEquals(r1.due(ts, tokens, true), r2.due(ts, tokens, true));
        }
    }
}
