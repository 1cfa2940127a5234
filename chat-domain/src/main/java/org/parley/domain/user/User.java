package org.parley.domain.user;

import java.time.Instant;
import java.util.Objects;

/**
 * A person who can chat. Credentials are not part of a user: they belong to the application's account store, so a
 * {@code User} can be handed to any adapter without risk of leaking a password hash.
 *
 * @param lastLogin {@code null} until the user first logs in
 */
public record User(
        UserId id,
        EmailAddress email,
        UserProfile profile,
        AccountStatus status,
        Instant lastLogin,
        Instant createdAt,
        Instant updatedAt) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (updatedAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("updatedAt before createdAt");
        }
    }

    /** A user who has just joined: active, never logged in. */
    public static User joined(UserId id, EmailAddress email, UserProfile profile, Instant at) {
        return new User(id, email, profile, AccountStatus.activeUser(), null, at, at);
    }

    public boolean isActive() {
        return status.active();
    }

    public User withDetails(EmailAddress newEmail, UserProfile newProfile, AccountStatus newStatus, Instant at) {
        return new User(id, newEmail, newProfile, newStatus, lastLogin, createdAt, at.isBefore(createdAt) ? createdAt : at);
    }

    public User loggedInAt(Instant at) {
        return new User(id, email, profile, status, at, createdAt, updatedAt);
    }
}
