package org.parley.application.service;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.in.LogIn;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.TokenPair;
import org.parley.application.port.out.Tokens;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.user.EmailAddress;

/**
 * Checks credentials so that an unknown e-mail, an account without a password, a wrong password and an inactive
 * account all fail the same way and take about the same time (a password is always hashed), so that the answer
 * does not reveal which e-mail addresses have accounts.
 */
public final class LogInService implements LogIn {

    private final UserAccounts users;
    private final PasswordHasher hasher;
    private final Tokens tokens;
    private final TimeSource time;
    private final EncodedPassword timingDecoy;

    public LogInService(UserAccounts users, PasswordHasher hasher, Tokens tokens, TimeSource time) {
        this.users = Objects.requireNonNull(users, "users");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.time = Objects.requireNonNull(time, "time");
        this.timingDecoy = hasher.hash("parley-timing-decoy-" + System.nanoTime());
    }

    @Override
    public TokenGrant logIn(Command command) {
        String password = command.password() == null ? "" : command.password();
        Optional<Account> account = parse(command.email()).flatMap(users::findByEmail);
        Optional<EncodedPassword> stored = account.flatMap(Account::password);
        boolean matches = hasher.matches(password, stored.orElse(timingDecoy)) && stored.isPresent();
        if (!matches || !account.get().user().isActive()) {
            throw AuthenticationFailed.badCredentials();
        }
        Instant now = time.now();
        users.recordLogin(account.get().user().id(), now);
        TokenPair pair = tokens.issue(account.get().user().id());
        return new TokenGrant(pair.access(), pair.refresh(), account.get().user().loggedInAt(now));
    }

    private static Optional<EmailAddress> parse(String email) {
        try {
            return Optional.of(new EmailAddress(email));
        } catch (DomainRuleViolation e) {
            return Optional.empty();
        }
    }
}
