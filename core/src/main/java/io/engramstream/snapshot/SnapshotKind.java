package io.engramstream.snapshot;

/** A full snapshot lists every hot and warm row; a delta lists only rows whose tier changed. */
public enum SnapshotKind {
    FULL, DELTA;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    public static SnapshotKind of(String label) {
        if (label == null) throw new IllegalArgumentException("missing snapshot kind");
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
}
