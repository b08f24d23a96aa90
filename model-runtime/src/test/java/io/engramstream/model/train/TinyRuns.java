package io.engramstream.model.train;

import io.engramstream.canon.CanonicalMaps;
import io.engramstream.model.memory.SparseRowOptimizer;
import io.engramstream.spec.EmbeddingDType;
import io.engramstream.spec.EngramSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small, fast training requests on a slice of the Europarl sample, shared by the training tests. */
final class TinyRuns {
    private TinyRuns() {}

    /** One Engram layer in front of layer 1, 2 heads per order, ~1k buckets per head, 4 floats per row. */
    static EngramSpec spec() {
        return EngramSpec.builder().name("test-cl100k").layerIds(1).maxNgram(3).headsPerNgram(2).tableSizes(1009, 1013)
                .seed(0).padId(0).compressedVocabSize(CanonicalMaps.forId("cl100k_base").canonicalVocabSize())
                .canonicalMapId("cl100k_base").embedDimPerHead(4).dtype(EmbeddingDType.FP32).build();
    }

    static Path specFile(Path dir) throws IOException {
        Path p = dir.resolve("spec.json");
        Files.writeString(p, spec().toJson());
        return p;
    }

    static TrainSettings settings() {
        return new TrainSettings(4, 16, 3e-3f, 0.1f, SparseRowOptimizer.Kind.ADAGRAD, 1f, 7, 1f, 5, 8, 5);
    }

    static TrainSession.Request request(Path specFile, long steps, Path checkpoints) {
        return new TrainSession.Request("europarl", "en", 120_000, 10, "cl100k_base", specFile.toString(), 256, 16, 2, 2,
                true, TableSetup.FLAT, settings(), steps, checkpoints, 3);
    }
}
