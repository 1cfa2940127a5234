package org.parley.application.port.out;

import java.util.Objects;

/** A password as stored: an encoded, salted hash (Django's {@code pbkdf2_sha256$iterations$salt$hash}). */
public record EncodedPassword(String value) {

    public EncodedPassword {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "EncodedPassword[***]";
    }
}
