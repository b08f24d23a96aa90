package io.engramstream.placement;

import io.engramstream.snapshot.RowLayout;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import io.engramstream.stats.RowStatsColumns;
import io.engramstream.stats.StatsDirectory;
import io.engramstream.stats.StatsPartHeader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/** Test statistics publications on disk: random rows of the tiny spec spread over part files. */
final class StatsPublications {
    private StatsPublications() {}

    static final EngramSpec SPEC = EngramSpec.tiny();

    /**
     * Writes publication {@code tag} under {@code out} with {@code n} distinct random rows, each in a
     * random one of {@code parts} parts (parts interleave in key space, as shards of subtasks do).
     *
     * @param integerScores scores are small integers (many ties) instead of spread-out reals
     */
    static Path write(Path out, String tag, int n, int parts, long clockNow, double halfLife, boolean integerScores, long seed)
            throws Exception {
        Random rnd = new Random(seed);
        RowLayout layout = RowLayout.of(SPEC);
        Set<Long> keys = new HashSet<>();
        while (keys.size() < n) {
            int layer = rnd.nextInt(layout.numLayers());
            keys.add(RowKey.of(layer, (long) (rnd.nextDouble() * layout.rowsPerLayer(layer))));
        }
        RowStatsColumns[] cols = new RowStatsColumns[parts];
        for (int p = 0; p < parts; p++) cols[p] = new RowStatsColumns(16);
        for (long k : keys) {
            long c = 1 + (long) Math.floor(Math.exp(rnd.nextDouble() * 8));
            double score = integerScores ? 1 + rnd.nextInt(20) : c * (0.5 + rnd.nextDouble());
            long last = integerScores ? clockNow : (long) (rnd.nextDouble() * clockNow);
            cols[rnd.nextInt(parts)].add(k, c, rnd.nextInt(3), score, last);
        }
        for (int p = 0; p < parts; p++) {
            cols[p].sortByKey();
            StatsDirectory.publishPart(out, header(tag, p, parts, cols[p], clockNow - p, halfLife), cols[p]);
        }
        return StatsDirectory.root(out).resolve(tag);
    }

    static StatsPartHeader header(String tag, int part, int parts, RowStatsColumns rows, long clockNow, double halfLife) {
        return new StatsPartHeader(StatsPartHeader.FORMAT_VERSION, tag, part, parts, 16, SPEC.fingerprint(), SPEC.canonicalMapId(),
                "0123456789abcdef", SPEC.toJson(), "tokens", clockNow, halfLife, 1, 1, 1000L * (part + 1), 8000L * (part + 1),
                10, 0, rows.size(), 0);
    }
}
