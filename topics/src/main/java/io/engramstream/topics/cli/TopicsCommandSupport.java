package io.engramstream.topics.cli;

import io.engramstream.topics.TopicAdmin;
import io.engramstream.topics.TopicSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** Shared output for the topics commands. */
final class TopicsCommandSupport {
    private TopicsCommandSupport() {}

    /** Exit status when the cluster does not match the catalog. */
    static final int EXIT_DRIFT = 3;

    static void printDrifts(PrintWriter out, List<TopicAdmin.Drift> drifts) {
        for (TopicAdmin.Drift d : drifts) out.println("  DRIFT " + d);
    }

    static String retention(long ms) {
        if (ms < 0) return "forever";
        Duration d = Duration.ofMillis(ms);
        if (ms % 86_400_000L == 0) return d.toDays() + "d";
        if (ms % 3_600_000L == 0) return d.toHours() + "h";
        if (ms % 60_000L == 0) return d.toMinutes() + "m";
        if (ms % 1000L == 0) return d.toSeconds() + "s";
        return ms + "ms";
    }

    static String row(TopicSpec t) {
        return String.format("%-28s %4d %4d  %-15s %-8s %-16s %-18s", t.name(), t.partitions(), t.replication(),
                t.cleanupPolicy(), retention(t.retentionMs()), t.key(), t.valueSchema());
    }
}
