package io.engramstream.model.memory;

/** Where the Engram table rows live during training and serving. */
public enum TableKind {
    /** Every row in heap arrays ({@link FlatEmbeddingRows}). */
    FLAT,
    /** The tiered embedding store: hot rows on the device, warm in host memory, cold on disk. */
    TIERED
}
