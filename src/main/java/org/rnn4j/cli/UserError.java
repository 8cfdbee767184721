package org.rnn4j.cli;

/** Bad input the user can fix: printed as one line (no stack trace unless --verbose), exit code 1. */
final class UserError extends RuntimeException {
    UserError(String message) { super(message); }

    UserError(String message, Throwable cause) { super(message, cause); }
}
