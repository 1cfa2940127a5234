package org.parley.application.service;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.Conflict;
import org.parley.application.port.in.UpsertUserFromBackend;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.UserChanges;
import org.parley.domain.user.User;

/**
 * Creates or updates a user for a backend that owns its users. An update is made known through {@link UserChanges}
 * once stored, so that every node forgets its cached copy and a deactivated user's open connections are closed
 * (contract §18: within a second on every node).
 */
public final class UpsertUserFromBackendService implements UpsertUserFromBackend {

    private final UserAccounts users;
    private final UserChanges changes;
    private final TimeSource time;

    public UpsertUserFromBackendService(UserAccounts users, UserChanges changes, TimeSource time) {
        this.users = Objects.requireNonNull(users, "users");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public Result upsert(Command command) {
        UserDetailsValidation valid = UserDetailsValidation.of(command.details()).orThrow();
        Instant now = time.now();
        Optional<User> existing = users.findById(command.id());
        if (existing.isPresent()) {
            return new Result(update(existing.get(), valid, command, now), false);
        }
        User joined = User.joined(command.id(), valid.email(), valid.profile(), now);
        User created = command.active() == null ? joined
                : joined.withDetails(joined.email(), joined.profile(), joined.status().withActive(command.active()), now);
        try {
            users.add(new Account(created, Optional.empty()));
            return new Result(created, true);
        } catch (Conflict raced) {
            // Either the e-mail belongs to someone else, or a concurrent upsert created this very user first.
            User winner = users.findById(command.id()).orElseThrow(() -> raced);
            return new Result(update(winner, valid, command, now), false);
        }
    }

    private User update(User current, UserDetailsValidation valid, Command command, Instant now) {
        boolean active = command.active() == null ? current.isActive() : command.active();
        User updated = current.withDetails(valid.email(), valid.profile(), current.status().withActive(active), now);
        users.update(updated);
        changes.changed(updated.id());
        return updated;
    }
}
