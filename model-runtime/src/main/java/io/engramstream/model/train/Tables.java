package io.engramstream.model.train;

import io.engramstream.cli.UserError;
import io.engramstream.model.memory.EmbeddingRows;
import io.engramstream.model.memory.FlatEmbeddingRows;
import io.engramstream.model.memory.RowInitializer;
import io.engramstream.model.memory.SpecAddresser;
import io.engramstream.model.memory.TableKind;
import io.engramstream.spec.EngramSpec;
import java.nio.file.Path;

/** Opens the table backing a run asks for. */
public final class Tables {
    private Tables() {}

    public static EmbeddingRows open(TableKind kind, EngramSpec spec, RowInitializer init, Path dir) {
        return switch (kind) {
            case FLAT -> new FlatEmbeddingRows(SpecAddresser.rowsPerLayer(spec), spec.embedDimPerHead(), init);
            case TIERED -> throw new UserError("the tiered store is not on this build yet; use --table flat");
        };
    }
}
