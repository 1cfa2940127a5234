package org.parley.application.service;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.RateLimited;
import org.parley.application.port.in.LogIn;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.LogInAttempts;
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
 *
 * <p>Attempts are counted per address ({@link LogInAttempts}, contract §16) before the password is hashed: once an
 * address has had too many failures in its window, attempts for it are refused with {@link RateLimited} at once,
 * without hashing anything and whether or not an account has that address, until the window has passed. A successful
 * log-in clears the address's count. An attempt that was never judged (hashing refused with
 * {@link org.parley.application.error.Unavailable} because its queue is full, the account could not be read, anything
 * else that fails before the password was checked) is given back ({@link LogInAttempts#giveBack}): only wrong
 * passwords count, so a flood of other people's log-ins cannot lock out the right password (issue 13 review).
 *
 * <p>The timing decoy (the hash an unknown address's password is checked against) is made in the background when the
 * service is built ({@link PasswordHasher#hashInBackground}), so that one key derivation (0.2–0.5 s of CPU at Django's
 * cost) no longer holds up the server's start. Every log-in that is admitted waits for it before it looks the address
 * up, whether or not an account has that address: the first log-ins after a start all wait alike, so the wait reveals
 * nothing, and no log-in is answered before the decoy exists.
 */
public final class LogInService implements LogIn {

    private final UserAccounts users;
    private final PasswordHasher hasher;
    private final Tokens tokens;
    private final TimeSource time;
    private volatile CompletableFuture<EncodedPassword> timingDecoy;
    private final LogInAttempts attempts;

    public LogInService(UserAccounts users, PasswordHasher hasher, Tokens tokens, TimeSource time,
                        LogInAttempts attempts) {
        this.users = Objects.requireNonNull(users, "users");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.time = Objects.requireNonNull(time, "time");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.timingDecoy = hasher.hashInBackground(decoyText());
    }

    @Override
    public TokenGrant logIn(Command command) {
        String password = command.password() == null ? "" : command.password();
        Optional<EmailAddress> email = parse(command.email());
        String address = email.map(EmailAddress::normalized).orElseGet(() -> unparsed(command.email()));
        Admission admission = attempts.attempt(address);
        if (!admission.granted()) {
            throw RateLimited.logIn(admission.retryAfter());
        }
        Optional<Account> account;
        boolean matches;
        boolean judged = false;
        try {
            EncodedPassword decoy = timingDecoy();
            account = email.flatMap(users::findByEmail);
            Optional<EncodedPassword> stored = account.flatMap(Account::password);
            matches = hasher.matches(password, stored.orElse(decoy)) && stored.isPresent();
            judged = true;
        } finally {
            if (!judged) {
                attempts.giveBack(address);
            }
        }
        if (!matches || !account.get().user().isActive()) {
            throw AuthenticationFailed.badCredentials();
        }
        attempts.succeeded(address);
        Instant now = time.now();
        users.recordLogin(account.get().user().id(), now);
        TokenPair pair = tokens.issue(account.get().user().id());
        return new TokenGrant(pair.access(), pair.refresh(), account.get().user().loggedInAt(now));
    }

    /**
     * The decoy, waiting for it while it is being made. Should making it have failed, it is made again here (on the
     * hasher, as every log-in's hash is), before the address is looked up, as for any log-in.
     */
    private EncodedPassword timingDecoy() {
        try {
            return timingDecoy.join();
        } catch (CompletionException | CancellationException failed) {
            EncodedPassword decoy = hasher.hash(decoyText());
            timingDecoy = CompletableFuture.completedFuture(decoy);
            return decoy;
        }
    }

    private static String decoyText() {
        return "parley-timing-decoy-" + System.nanoTime();
    }

    /**
     * What is counted for text that is no e-mail address (it can match no account, but is answered the same): as the
     * log-in would normalize it, cut to the longest address, so that no attempt makes memory grow beyond that.
     */
    private static String unparsed(String email) {
        String normalized = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        return normalized.length() <= EmailAddress.MAX_LENGTH ? normalized
                : normalized.substring(0, EmailAddress.MAX_LENGTH);
    }

    private static Optional<EmailAddress> parse(String email) {
        try {
            return Optional.of(new EmailAddress(email));
        } catch (DomainRuleViolation e) {
            return Optional.empty();
        }
    }
}
