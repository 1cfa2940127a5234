package org.parley.application.port.in;

import java.util.Objects;

import org.parley.application.error.Conflict;
import org.parley.application.error.ValidationFailed;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Create or update a user on behalf of a trusted backend that owns its users (and mints their tokens itself).
 * Such users have no Parley password.
 */
public interface UpsertUserFromBackend {

    /**
     * @throws ValidationFailed when a field is missing or malformed
     * @throws Conflict when the e-mail address belongs to another user
     */
    Result upsert(Command command);

    /** @param active {@code null} keeps the current state (a new user is active) */
    record Command(UserId id, UserDetails details, Boolean active) {
        public Command {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(details, "details");
        }
    }

    record Result(User user, boolean created) {
    }
}
