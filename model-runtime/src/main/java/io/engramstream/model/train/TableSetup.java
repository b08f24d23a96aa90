package io.engramstream.model.train;

import io.engramstream.model.memory.TableKind;
import java.nio.file.Path;

/**
 * Where a run's table rows live.
 *
 * @param kind      flat heap arrays or the tiered store
 * @param dir       directory for the tiered store's cold table file (null: a temporary directory)
 * @param hotRows   tiered without snapshots: this many most-read training rows go hot
 * @param warmRows  ... and this many after them warm
 * @param snapshots tiered: follow this snapshot directory for the placement instead (null: none)
 */
public record TableSetup(TableKind kind, Path dir, long hotRows, long warmRows, Path snapshots) {
    public static final TableSetup FLAT = new TableSetup(TableKind.FLAT, null, 0, 0, null);

    public static TableSetup tiered(Path dir, long hotRows, long warmRows) {
        return new TableSetup(TableKind.TIERED, dir, hotRows, warmRows, null);
    }
}
