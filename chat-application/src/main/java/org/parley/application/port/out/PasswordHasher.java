package org.parley.application.port.out;

import java.util.Optional;

/** Hashes new passwords and checks given passwords against stored hashes. */
public interface PasswordHasher {

    EncodedPassword hash(String rawPassword);

    /** Whether {@code rawPassword} matches; false (never an exception) for an encoding it does not understand. */
    boolean matches(String rawPassword, EncodedPassword encoded);

    /**
     * Why a hash made elsewhere (moved over with its user from another system, contract §17) cannot be stored as it is:
     * a sentence for the caller, or empty when {@link #matches} can check passwords against it. Only parses: it never
     * derives a key, so it costs nothing. By default every hash is refused: a hasher takes imported hashes only when it
     * says which.
     */
    default Optional<String> refusesImported(EncodedPassword hash) {
        return Optional.of("This server takes no password hashes from elsewhere");
    }
}
