package io.engramstream.snapshot;

/**
 * The memory tier a row lives in. The code is what the {@code tier} column of a snapshot holds;
 * lower is faster. Cold rows are never listed in a full snapshot (everything not listed is cold);
 * deltas use {@link #COLD} for rows evicted from the cached tiers.
 */
public enum Tier {
    /** Accelerator (GPU) memory. */
    HOT((byte) 0),
    /** Host memory. */
    WARM((byte) 1),
    /** NVMe / disk: the default for any row not listed. */
    COLD((byte) 2);

    public static final byte HOT_CODE = 0;
    public static final byte WARM_CODE = 1;
    public static final byte COLD_CODE = 2;

    private static final Tier[] BY_CODE = {HOT, WARM, COLD};
    private final byte code;

    Tier(byte code) { this.code = code; }

    public byte code() { return code; }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    public static Tier ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) throw new IllegalArgumentException("unknown tier code " + code);
        return BY_CODE[code];
    }
}
