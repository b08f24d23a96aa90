package io.engramstream.model.train;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages build the tiny training runs of {@link TinyRuns}. */
public final class TrainSessionAccess {
    private TrainSessionAccess() {}

    /** A tiny Engram run of {@code steps} steps writing checkpoints to {@code checkpoints}; its spec file goes into {@code dir}. */
    public static TrainSession.Request tinyRequest(Path dir, long steps, Path checkpoints) throws IOException {
        return TinyRuns.request(TinyRuns.specFile(dir), steps, checkpoints);
    }
}
