package io.engramstream.ops.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.engramstream.cli.EngramCli;
import io.engramstream.placement.TierBudgets;
import io.engramstream.snapshot.CoverageCurve;
import io.engramstream.snapshot.RowLayout;
import io.engramstream.snapshot.SnapshotDirectory;
import io.engramstream.snapshot.SnapshotManifest;
import io.engramstream.snapshot.SnapshotMetadata;
import io.engramstream.snapshot.SnapshotReader;
import io.engramstream.snapshot.SnapshotRows;
import io.engramstream.snapshot.SourcePosition;
import io.engramstream.snapshot.Tier;
import io.engramstream.snapshot.WriteOptions;
import io.engramstream.spec.EngramSpec;
import io.engramstream.spec.RowKey;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRollbackCommandTest {
    @TempDir Path dir;

    @Test
    void rollbackRepublishesTheOldPlacementAsTheNewestVersion() throws Exception {
        EngramSpec spec = EngramSpec.tiny();
        RowLayout layout = RowLayout.of(spec);
        SnapshotDirectory d = new SnapshotDirectory(dir, 10);
        TierBudgets budgets = TierBudgets.ofRows(spec.bytesPerRow(), 2, 3);
        publish(d, layout, spec, budgets, 1, 0);
        publish(d, layout, spec, budgets, 2, 50);
        assertEquals(2, d.latest().orElseThrow().version());

        assertEquals(0, EngramCli.execute("snapshot", "rollback", dir.toString(), "--to", "1", "--spec", "tiny"));

        SnapshotManifest latest = d.latest().orElseThrow();
        assertEquals(3, latest.version());
        assertEquals(2L, latest.previousVersion());
        assertNull(latest.delta(), "a rollback has no delta: runtimes load it in full");
        SnapshotRows v1 = SnapshotReader.read(dir.resolve(SnapshotDirectory.snapshotFileName(1))).rows();
        SnapshotRows v3 = SnapshotReader.read(dir.resolve(latest.file())).rows();
        assertArrayEquals(v1.keys(Tier.HOT), v3.keys(Tier.HOT));
        assertArrayEquals(v1.keys(Tier.WARM), v3.keys(Tier.WARM));
        assertFalse(java.util.Arrays.equals(v1.keys(Tier.HOT),
                SnapshotReader.read(dir.resolve(SnapshotDirectory.snapshotFileName(2))).rows().keys(Tier.HOT)));
        assertEquals(0, EngramCli.execute("snapshot", "verify", dir.resolve(latest.file()).toString(), "--manifest",
                dir.resolve(SnapshotDirectory.LATEST).toString(), "--spec", "tiny"));
        // A version that is not retained is a user error.
        assertEquals(2, EngramCli.execute("snapshot", "rollback", dir.toString(), "--to", "9", "--spec", "tiny"));
    }

    private static void publish(SnapshotDirectory d, RowLayout layout, EngramSpec spec, TierBudgets budgets, long version, long firstRow)
            throws Exception {
        SnapshotRows rows = SnapshotRows.full(5);
        for (int i = 0; i < 5; i++) {
            rows.add(RowKey.of(0, firstRow + i), i < 2 ? Tier.HOT_CODE : Tier.WARM_CODE, 10 - i, 10 - i, 1);
        }
        SnapshotMetadata md = SnapshotMetadata.full(version, version - 1 > 0 ? version - 1 : -1, spec.fingerprint(), "", 1000 * version,
                SourcePosition.NONE, budgets, layout.layerIds());
        d.publish(md, rows.sortByKey(), null, layout, WriteOptions.DEFAULT, CoverageCurve.EMPTY);
    }
}
