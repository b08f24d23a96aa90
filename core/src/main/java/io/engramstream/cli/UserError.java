package io.engramstream.cli;

/**
 * A mistake the user can fix (a wrong path, a bad flag value, a mismatched file). The CLI
 * prints only its message, on one line, and exits with status 2; anything else is a bug and
 * exits with status 1.
 */
public class UserError extends RuntimeException {
    public UserError(String message) { super(message); }
    public UserError(String message, Throwable cause) { super(message, cause); }
}
