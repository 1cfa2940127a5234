package org.parley.adapter.persistence;

/**
 * Storage could not start: the database is unreachable or refuses the credentials, or its schema belongs to another
 * (newer) Parley version. The message is one line that names the problem and the database URL without credentials;
 * it never contains a password, so start-up can print it as is.
 */
public final class PersistenceStartupException extends RuntimeException {

    PersistenceStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
