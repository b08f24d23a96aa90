package io.engramstream.store;

/** The three places a row can live, fastest first. */
public enum Tier {
    /** On the device (GPU when DJL sees one, else the engine's CPU memory), as one NDArray. */
    HOT,
    /** Host off-heap memory. */
    WARM,
    /** The memory-mapped table file. */
    COLD;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
