package org.parley.application.port.out;

import java.util.Objects;
import java.util.Optional;

import org.parley.domain.user.User;

/**
 * A user together with their credentials, as the account store keeps them.
 *
 * @param password empty for users managed by a trusted backend, who never log in with a password
 */
public record Account(User user, Optional<EncodedPassword> password) {

    public Account {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }
}
