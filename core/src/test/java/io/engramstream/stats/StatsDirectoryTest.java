package io.engramstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsDirectoryTest {
    @TempDir Path out;

    static StatsPartHeader header(String tag, int part, int parts, long tokens, long rows) {
        return new StatsPartHeader(StatsPartHeader.FORMAT_VERSION, tag, part, parts, 16, "0123456789abcdef", "cl100k_base",
                "fedcba9876543210", "{}", "tokens", 1000 + part, 0, 1, 1, tokens, tokens * 8, 3, 1, rows, 0);
    }

    static RowStatsColumns rows(Random rnd, int n, int salt) {
        RowStatsColumns c = new RowStatsColumns();
        for (int i = 0; i < n; i++) c.add(((long) rnd.nextInt(100_000) << 2) | salt, 1 + rnd.nextInt(9), rnd.nextInt(3), rnd.nextDouble(), rnd.nextInt(99));
        c.sortByKey();
        return c;
    }

    @Test
    void publishesOnlyCompleteSetsAndReadsThemBackMerged() throws IOException {
        Random rnd = new Random(7);
        RowStatsColumns a = rows(rnd, 3000, 0), b = rows(rnd, 2000, 1);
        dedupe(a);
        dedupe(b);
        StatsDirectory.publishPart(out, header("final", 1, 2, 100, b.size()), b);
        assertFalse(StatsDirectory.latest(out).isPresent(), "one of two parts is not a publication");
        StatsDirectory.publishPart(out, header("final", 0, 2, 50, a.size()), a);
        Path pub = StatsDirectory.latest(out).orElseThrow();
        StatsSummary s = StatsDirectory.readSummary(pub);
        assertEquals(150, s.tokens());
        assertEquals(1200, s.lookups());
        assertEquals(2, s.deadLetters());
        assertEquals(a.size() + b.size(), s.distinctRows());
        assertEquals(1001, s.clockNow());
        RowStatsColumns all = StatsDirectory.readRows(pub);
        assertEquals(a.size() + b.size(), all.size());
        assertTrue(all.isSortedByKey());
    }

    @Test
    void stagedCheckpointPartsBecomeVisibleOnCommitAndFinalWins() throws IOException {
        Random rnd = new Random(8);
        RowStatsColumns r = rows(rnd, 100, 0);
        dedupe(r);
        String tag = StatsDirectory.checkpointTag(5);
        StatsDirectory.stagePart(out, header(tag, 0, 1, 10, r.size()), r);
        assertFalse(StatsDirectory.latest(out).isPresent());
        assertTrue(StatsDirectory.commitStaged(out, tag, 0, 1));
        assertEquals(tag, StatsDirectory.latestTag(out).orElseThrow());
        StatsDirectory.publishPart(out, header("final", 0, 1, 20, r.size()), r);
        assertEquals("final", StatsDirectory.latestTag(out).orElseThrow());
        String later = StatsDirectory.checkpointTag(9);
        StatsDirectory.stagePart(out, header(later, 0, 1, 30, r.size()), r);
        StatsDirectory.commitStaged(out, later, 0, 1);
        assertEquals("final", StatsDirectory.latestTag(out).orElseThrow(), "a checkpoint never replaces the end-of-input statistics");
        assertFalse(StatsDirectory.commitStaged(out, StatsDirectory.checkpointTag(77), 0, 1), "nothing staged");
    }

    @Test
    void rejectsUnsortedRowsAndForeignFiles() throws IOException {
        RowStatsColumns c = new RowStatsColumns();
        c.add(5, 1, 0, 1, 0);
        c.add(3, 1, 0, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> StatsDirectory.publishPart(out, header("final", 0, 1, 1, 2), c));
        Path junk = out.resolve("junk.rows");
        Files.writeString(junk, "hello, not statistics");
        assertThrows(IOException.class, () -> StatsDirectory.readPart(junk));
        assertThrows(IllegalArgumentException.class, () -> StatsDirectory.parsePartName("x.rows"));
        assertEquals(List.of(3, 4), List.of(StatsDirectory.parsePartName("part-00003-of-00004.rows")[0], StatsDirectory.parsePartName("part-00003-of-00004.rows")[1]));
    }

    /** Drops repeated keys (the generator may draw one twice). */
    static void dedupe(RowStatsColumns c) {
        RowStatsColumns d = new RowStatsColumns();
        for (int i = 0; i < c.size(); i++) {
            if (i > 0 && c.key(i) == c.key(i - 1)) continue;
            d.add(c.key(i), c.corpus(i), c.inference(i), c.scoreAtLast(i), c.last(i));
        }
        // copy back
        RowStatsColumns target = c;
        target.clear();
        target.addAll(d);
    }
}
