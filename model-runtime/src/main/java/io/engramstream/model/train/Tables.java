package io.engramstream.model.train;

import io.engramstream.model.memory.EmbeddingRows;
import io.engramstream.model.memory.FlatEmbeddingRows;
import io.engramstream.model.memory.RowInitializer;
import io.engramstream.model.memory.SpecAddresser;
import io.engramstream.model.memory.TieredRows;
import io.engramstream.spec.EngramSpec;
import io.engramstream.store.ColdTable;
import io.engramstream.store.StoreLayout;
import io.engramstream.store.TieredEmbeddingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Opens the table backing a run asks for, initialized from the run's seed. */
public final class Tables {
    public static final String TABLE_FILE = "table" + ColdTable.EXTENSION;

    private Tables() {}

    /**
     * A fresh table: every row at its seeded initial value (all zero, and the cold file sparse, when
     * the standard deviation is 0) (a resumed run then writes back the rows
     * its checkpoint holds). For the tiered store the cold file is (re)created in {@code setup.dir()}
     * and placed either by the snapshot directory or by training-row frequency.
     */
    public static EmbeddingRows open(TableSetup setup, EngramSpec spec, RowInitializer init, TrainData data, String canonicalFp)
            throws IOException {
        return switch (setup.kind()) {
            case FLAT -> new FlatEmbeddingRows(SpecAddresser.rowsPerLayer(spec), spec.embedDimPerHead(), init);
            case TIERED -> {
                Path dir = setup.dir() != null ? setup.dir() : Files.createTempDirectory("engram-table");
                Files.createDirectories(dir);
                Path file = dir.resolve(TABLE_FILE);
                Files.deleteIfExists(file);
                // Zero-initialized rows (std 0) need no writing: a sparse file of zeros is that table, and
                // only the rows training writes take disk (the demo spec's table is 5.3 GB).
                ColdTable cold = init.std() == 0f ? ColdTable.createEmpty(file, StoreLayout.of(spec))
                        : ColdTable.create(file, StoreLayout.of(spec), init.seed(), init.std());
                TieredEmbeddingStore.Builder b = TieredEmbeddingStore.builder(spec, cold).ownsColdTable(true)
                        .canonicalMapFingerprint(canonicalFp);
                if (setup.snapshots() != null) {
                    b.followSnapshots(setup.snapshots(), Duration.ofSeconds(5));
                } else if (setup.hotRows() + setup.warmRows() > 0 && data != null) {
                    b.initialPlan(FrequencyPlacement.plan(spec, data.trainCanonical(), setup.hotRows(), setup.warmRows(), canonicalFp));
                }
                yield new TieredRows(b.build(), true);
            }
        };
    }
}
