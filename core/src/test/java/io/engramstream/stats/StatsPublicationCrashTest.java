package io.engramstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.engramstream.snapshot.CrashingFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statistics job's publication (two subtasks stage their parts at a checkpoint, then each
 * commits its part when the checkpoint completes) with the process dying at every change it
 * makes, one step later each time. Before and after the job's recovery a reader sees only
 * complete publications whose parts add up to their summary: the previous one or the new one.
 */
class StatsPublicationCrashTest {
    @TempDir Path tmp;

    static RowStatsColumns rows(int subtask, int version) {
        RowStatsColumns c = new RowStatsColumns(16);
        for (int r = 0; r < 10 + version; r++) c.add(2L * r + subtask, version * 100L + r, 0, r, r);
        return c;
    }

    static StatsPartHeader header(String tag, int part, RowStatsColumns rows, int version) {
        return new StatsPartHeader(StatsPartHeader.FORMAT_VERSION, tag, part, 2, 16, "5f87f2304cd93438", "cl100k_base",
                "4c470a2b6edafd84", "{}", "tokens", 0, 0, 1, 1, 1000L * version, rows.size(), version, 0, rows.size(), 0);
    }

    static void stage(Path out, long cp, int version) throws Exception {
        for (int s = 0; s < 2; s++) {
            RowStatsColumns r = rows(s, version);
            StatsDirectory.stagePart(out, header(StatsDirectory.checkpointTag(cp), s, r, version), r);
        }
    }

    static void commit(Path out, long cp) throws Exception {
        for (int s = 0; s < 2; s++) StatsDirectory.commitStaged(out, StatsDirectory.checkpointTag(cp), s, 2);
    }

    /** The visible publication is complete and is one of the versions written; returns its checkpoint id (0: none). */
    static long assertVisibleComplete(Path out, String what) throws Exception {
        Optional<Path> pub = StatsDirectory.latest(out);
        if (pub.isEmpty()) return 0;
        StatsSummary s = StatsDirectory.readSummary(pub.get());
        long rows = 0, tokens = 0;
        for (String part : s.parts()) {
            Path f = pub.get().resolve(part);
            assertTrue(Files.isRegularFile(f), what + ": " + s.tag() + " names missing " + part);
            rows += StatsDirectory.readPart(f).size();
            tokens += StatsDirectory.readHeader(f).tokens();
        }
        assertEquals(2, s.parts().size(), what);
        assertEquals(s.distinctRows(), rows, what);
        assertEquals(s.tokens(), tokens, what);
        long cp = Long.parseLong(s.tag().substring(3));
        int version = (int) cp;
        assertEquals(2000L * version, s.tokens(), what + ": parts of different checkpoints mixed");
        return cp;
    }

    @Test
    void aCrashAtEveryStepOfAStatisticsPublicationLeavesOnlyCompletePublications() throws Exception {
        int crashes = 0;
        for (int crashAt = 1; ; crashAt++) {
            Path out = tmp.resolve("out-" + crashAt);
            stage(out, 1, 1);
            commit(out, 1);
            assertEquals(1, assertVisibleComplete(out, "setup"));

            CrashingFileSystem fs = new CrashingFileSystem(crashAt);
            Path crashing = fs.wrap(out);
            boolean checkpointCompleted = false;
            try {
                stage(crashing, 2, 2);           // snapshotState of both subtasks
                checkpointCompleted = true;
                commit(crashing, 2);             // notifyCheckpointComplete of both subtasks
            } catch (Exception e) {
                if (!fs.crashed()) throw e;
            }
            String what = "crash " + crashAt + (checkpointCompleted ? " in commit" : " in staging");
            if (!fs.crashed()) {
                assertEquals(2, assertVisibleComplete(out, "no crash"));
                break;
            }
            crashes++;
            long seen = assertVisibleComplete(out, what + ", before recovery");
            assertTrue(seen == 1 || seen == 2, what);

            // Recovery as the job does it: a restored checkpoint commits its staged parts again.
            if (checkpointCompleted) commit(out, 2);
            assertEquals(checkpointCompleted ? 2 : 1, assertVisibleComplete(out, what + ", after recovery"), what);

            // The next publication works and leaves no stale staging behind.
            stage(out, 3, 3);
            commit(out, 3);
            assertEquals(3, assertVisibleComplete(out, what + ", next publication"));
            Path pending = StatsDirectory.root(out).resolve(".pending");
            if (Files.isDirectory(pending)) {
                try (Stream<Path> s = Files.list(pending)) {
                    List<String> left = new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
                    assertTrue(left.isEmpty(), what + ": stale staging " + left);
                }
            }
            if (crashAt > 500) fail("publication never completed");
        }
        assertTrue(crashes > 15, "crashed at only " + crashes + " steps");
    }
}
