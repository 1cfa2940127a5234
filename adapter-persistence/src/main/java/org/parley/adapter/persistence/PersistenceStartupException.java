package org.parley.adapter.persistence;

/**
 * Storage could not start: the database is unreachable or refuses the credentials, or its schema belongs to another
 * (newer) Parley version. The message is one line that names the problem and the database URL without credentials;
 * it never contains a password, so start-up can print it as is. Neither do the causes attached for diagnosis: they
 * are copies of the original failures whose messages have their secrets masked by key
 * ({@link DatabaseSettings#withoutSecrets}).
 */
public final class PersistenceStartupException extends RuntimeException {

    private static final int MAX_CAUSES = 16;

    PersistenceStartupException(String message, Throwable cause, DatabaseSettings settings) {
        super(settings.withoutSecrets(message), redacted(cause, settings, 0));
    }

    private static Throwable redacted(Throwable failure, DatabaseSettings settings, int depth) {
        if (failure == null || depth == MAX_CAUSES) {
            return null;
        }
        Throwable next = failure.getCause() == failure ? null : failure.getCause();
        RedactedCause copy = new RedactedCause(failure.getClass().getName() + ": "
                + settings.withoutSecrets(String.valueOf(failure.getMessage())), redacted(next, settings, depth + 1));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** A failure that caused a start-up failure, as its class name, redacted message and stack trace. */
    static final class RedactedCause extends RuntimeException {

        RedactedCause(String description, Throwable cause) {
            super(description, cause);
        }
    }
}
