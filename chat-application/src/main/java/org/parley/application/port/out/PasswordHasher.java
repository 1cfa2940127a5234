package org.parley.application.port.out;

/** Hashes new passwords and checks given passwords against stored hashes. */
public interface PasswordHasher {

    EncodedPassword hash(String rawPassword);

    /** Whether {@code rawPassword} matches; false (never an exception) for an encoding it does not understand. */
    boolean matches(String rawPassword, EncodedPassword encoded);
}
