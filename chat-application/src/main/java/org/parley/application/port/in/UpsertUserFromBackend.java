package org.parley.application.port.in;

import java.util.Objects;

import org.parley.application.error.Conflict;
import org.parley.application.error.ValidationFailed;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Create or update a user on behalf of a trusted backend that owns its users (and mints their tokens itself). Such
 * users have no Parley password, unless the backend moves them over with their password hash (contract §17): then
 * they log in to Parley with the password they had.
 */
public interface UpsertUserFromBackend {

    /**
     * @throws ValidationFailed when a field is missing or malformed, or the password hash is not one Parley can check
     *                          passwords against (on {@code PASSWORD}; never a plaintext password)
     * @throws Conflict when the e-mail address belongs to another user
     */
    Result upsert(Command command);

    /**
     * The user as the backend has them. The profile ({@code details}) replaces the stored one whole; every other field
     * is {@code null} to keep what is stored (a new user: active, no password, type {@code user}, nothing verified).
     *
     * @param active        whether the user may use Parley
     * @param passwordHash  the user's password hash as the backend stores it (Django's
     *                      {@code pbkdf2_sha256$<iterations>$<salt>$<hash>}), stored as it is
     * @param emailVerified whether the backend verified the user's e-mail address
     * @param phoneVerified whether the backend verified the user's phone number
     * @param accountType   the backend's kind of account (the seed's {@code account_type})
     */
    record Command(UserId id, UserDetails details, Boolean active, String passwordHash, Boolean emailVerified,
                   Boolean phoneVerified, String accountType) {
        public Command {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(details, "details");
        }

        /** Profile and activity only: the password, the verification flags and the account type are kept. */
        public Command(UserId id, UserDetails details, Boolean active) {
            this(id, details, active, null, null, null, null);
        }

        @Override
        public String toString() {
            return "Command[id=" + id + ", active=" + active + ", passwordHash=" + (passwordHash == null ? "kept" : "***")
                    + ", emailVerified=" + emailVerified + ", phoneVerified=" + phoneVerified + ", accountType="
                    + accountType + "]";
        }
    }

    record Result(User user, boolean created) {
    }
}
