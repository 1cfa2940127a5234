package org.parley.application.port.out;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Hashes new passwords and checks given passwords against stored hashes. */
public interface PasswordHasher {

    EncodedPassword hash(String rawPassword);

    /**
     * Starts hashing {@code rawPassword} and returns at once with the hash to come: the returned stage completes with
     * what {@link #hash} returns, or exceptionally with what it throws. For work that must be ready before it is first
     * needed but need not hold up its caller (the log-in's timing decoy, built while the server starts). By default
     * the hash is made on the caller's thread, so the stage is complete when it is returned; a hasher with threads of
     * its own makes it there.
     */
    default CompletableFuture<EncodedPassword> hashInBackground(String rawPassword) {
        try {
            return CompletableFuture.completedFuture(hash(rawPassword));
        } catch (RuntimeException failure) {
            return CompletableFuture.failedFuture(failure);
        }
    }

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
