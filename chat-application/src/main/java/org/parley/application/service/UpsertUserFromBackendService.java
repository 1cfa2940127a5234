package org.parley.application.service;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.Conflict;
import org.parley.application.port.in.UpsertUserFromBackend;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.UserChanges;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.User;

/**
 * Creates or updates a user for a backend that owns its users. An update is made known through {@link UserChanges}
 * once stored, so that every node forgets its cached copy and a deactivated user's open connections are closed
 * (contract §18: within a second on every node).
 *
 * <p>A password hash from the backend (contract §17: users moving over from Django with their passwords) is stored as
 * it is, in the same write as the rest of the user, once the {@link PasswordHasher} has said it can check passwords
 * against it; it is never hashed again, and never derived here (checking its format costs nothing).
 */
public final class UpsertUserFromBackendService implements UpsertUserFromBackend {

    private final UserAccounts users;
    private final UserChanges changes;
    private final TimeSource time;
    private final PasswordHasher hasher;

    public UpsertUserFromBackendService(UserAccounts users, UserChanges changes, TimeSource time,
                                        PasswordHasher hasher) {
        this.users = Objects.requireNonNull(users, "users");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.time = Objects.requireNonNull(time, "time");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
    }

    @Override
    public Result upsert(Command command) {
        UserDetailsValidation valid = UserDetailsValidation.of(command.details())
                .checkAccountType(command.accountType())
                .checkImportedPassword(command.passwordHash(), hasher)
                .orThrow();
        Optional<EncodedPassword> password = Optional.ofNullable(command.passwordHash()).map(EncodedPassword::new);
        Instant now = time.now();
        Optional<User> existing = users.findById(command.id());
        if (existing.isPresent()) {
            return new Result(update(existing.get(), valid, command, password, now), false);
        }
        User joined = User.joined(command.id(), valid.email(), valid.profile(), now);
        User created = joined.withDetails(joined.email(), joined.profile(), status(joined.status(), command), now);
        try {
            users.add(new Account(created, password));
            return new Result(created, true);
        } catch (Conflict raced) {
            // Either the e-mail belongs to someone else, or a concurrent upsert created this very user first.
            User winner = users.findById(command.id()).orElseThrow(() -> raced);
            return new Result(update(winner, valid, command, password, now), false);
        }
    }

    private User update(User current, UserDetailsValidation valid, Command command, Optional<EncodedPassword> password,
                        Instant now) {
        User updated = current.withDetails(valid.email(), valid.profile(), status(current.status(), command), now);
        if (password.isPresent()) {
            users.update(updated, password.get());
        } else {
            users.update(updated);
        }
        changes.changed(updated.id());
        return updated;
    }

    /** {@code current} with what the command sets; a {@code null} field keeps its value. */
    private static AccountStatus status(AccountStatus current, Command command) {
        AccountStatus status = command.active() == null ? current : current.withActive(command.active());
        status = status.withVerified(
                command.emailVerified() == null ? status.emailVerified() : command.emailVerified(),
                command.phoneVerified() == null ? status.phoneVerified() : command.phoneVerified());
        return command.accountType() == null ? status : status.withAccountType(command.accountType().strip());
    }
}
