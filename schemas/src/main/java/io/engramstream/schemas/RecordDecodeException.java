package io.engramstream.schemas;

import java.util.Objects;

/**
 * A record on the bus that cannot be used: malformed, truncated, oversized, written with an
 * unknown schema, or decoded but invalid. Checked on purpose: every caller decides where the
 * record goes (normally {@link DeadLetters#of} and the dead-letter topic) instead of letting
 * an exception kill a consumer. Carries the {@link ErrorKind} to count by and a one-line reason.
 */
public final class RecordDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String reason;

    public RecordDecodeException(ErrorKind kind, String reason) {
        this(kind, reason, null);
    }

    public RecordDecodeException(ErrorKind kind, String reason, Throwable cause) {
        // No stack trace: these are data errors, expected in bulk, and routed rather than debugged.
        super(kind + ": " + reason, cause, false, false);
        this.kind = Objects.requireNonNull(kind);
        this.reason = Objects.requireNonNull(reason);
    }

    /** The class of error, as stored in {@link DeadLetter#getErrorKind()}. */
    public ErrorKind kind() { return kind; }

    /** A one-line explanation without the kind prefix. */
    public String reason() { return reason; }
}
