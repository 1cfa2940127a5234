package org.parley.application.testing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * Fresh, unique test data. Every user has a random id and a random e-mail address, so tests never collide with one
 * another or with data left in a shared database.
 */
public final class ChatFixtures {

    /** A microsecond-precise instant, as storage keeps them. */
    public static final Instant T0 = Instant.parse("2025-03-14T10:07:31.270646Z");

    private ChatFixtures() {
    }

    /** A unique address with mixed case, so that case handling is exercised by every test. */
    public static EmailAddress uniqueEmail() {
        return new EmailAddress("User." + shortRandom() + "@Parley.Example");
    }

    /** A user with only the required fields (every optional field {@code null}), joined at {@link #T0}. */
    public static User minimalUser() {
        return User.joined(UserId.random(), uniqueEmail(), UserProfile.named("Ada " + shortRandom()), T0);
    }

    /** A user with every field set, each to a value that differs from the defaults. */
    public static User completeUser() {
        UserProfile profile = new UserProfile("Grace Hopper-" + shortRandom(), "+2348012345678", "NG", "female",
                LocalDate.of(1990, 12, 9), "profile/photos/" + shortRandom() + ".png");
        AccountStatus status = new AccountStatus("vendor", true, true, false, true, false, true, false);
        return new User(UserId.random(), uniqueEmail(), profile, status,
                T0.plus(3, ChronoUnit.HOURS).plusNanos(123_000),
                T0.minus(40, ChronoUnit.DAYS).plusNanos(1_000),
                T0.minus(2, ChronoUnit.DAYS).plusNanos(999_999_000));
    }

    /** Adds a new minimal user with a password and returns it. */
    public static User addUser(UserAccounts users) {
        User user = minimalUser();
        users.add(new Account(user, Optional.of(new EncodedPassword("pbkdf2_sha256$1000$salt$" + shortRandom()))));
        return user;
    }

    private static String shortRandom() {
        return UUID.randomUUID().toString().substring(0, 13);
    }
}
