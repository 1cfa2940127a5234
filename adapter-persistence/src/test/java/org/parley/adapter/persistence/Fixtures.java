package org.parley.adapter.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/** Domain values for the adapter's own tests. */
final class Fixtures {

    /** A fixed instant with microseconds, as the domain's clock gives them. */
    static final Instant T0 = Instant.parse("2026-11-24T21:30:15.123456Z");

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Fixtures() {
    }

    static Instant at(long secondsAfterT0) {
        return T0.plusSeconds(secondsAfterT0);
    }

    /** A user with every optional field set, a unique e-mail address and a mixed-case spelling of it. */
    static User fullUser() {
        int n = SEQUENCE.incrementAndGet();
        return new User(
                UserId.random(),
                new EmailAddress("Person." + n + "@Example.ORG"),
                new UserProfile("Person " + n, "+49 30 1234567", "DE", "female", LocalDate.of(1990, 2, 28),
                        "https://cdn.example.org/p/" + n + ".jpg"),
                new AccountStatus("user", true, true, false, true, false, false, false),
                T0.plus(5, ChronoUnit.MINUTES),
                T0,
                T0.plusSeconds(60));
    }

    /** A freshly joined user with only the required fields. */
    static User minimalUser() {
        int n = SEQUENCE.incrementAndGet();
        return User.joined(UserId.random(), new EmailAddress("minimal." + n + "@example.org"),
                UserProfile.named("Minimal " + n), T0);
    }

    static Account withPassword(User user) {
        return new Account(user, Optional.of(new EncodedPassword("pbkdf2_sha256$870000$salt" + user.id() + "$hash=")));
    }

    static Account backendManaged(User user) {
        return new Account(user, Optional.empty());
    }

    static MessageContent.Text text(String body) {
        return new MessageContent.Text(body);
    }

    static MessageContent.File file(String caption) {
        return new MessageContent.File(caption,
                new Attachment("2026/11/" + SEQUENCE.incrementAndGet() + "-a1b2c3", "holiday photo.jpg", 123_456L,
                        "image/jpeg"));
    }
}
