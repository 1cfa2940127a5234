package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalLogInAttempts;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.RateLimited;
import org.parley.application.error.Unavailable;
import org.parley.application.port.in.LogIn;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.DelegatingUserAccounts;
import org.parley.application.testing.FakePasswordHasher;
import org.parley.application.testing.FakeTokens;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;

class LogInServiceTest {

    private static final String PASSWORD = "s3cret-passphrase";

    private final InMemoryUserAccounts users = new InMemoryUserAccounts();
    private final FakePasswordHasher hasher = new FakePasswordHasher();
    private final FakeTokens tokens = new FakeTokens();
    private final ManualTimeSource time = new ManualTimeSource();
    private final LogIn service = new LogInService(users, hasher, tokens, time,
            new LocalLogInAttempts(new LogInWindow(10, Duration.ofMinutes(15)), time));

    @Test
    void valid_credentials_give_tokens_and_record_the_login() {
        User user = userWithPassword(PASSWORD);
        time.advance(Duration.ofHours(2));

        LogIn.TokenGrant grant = service.logIn(new LogIn.Command(user.email().value(), PASSWORD));

        assertThat(tokens.verifyAccess(grant.access())).isEqualTo(user.id());
        assertThat(tokens.verifyRefresh(grant.refresh())).isEqualTo(user.id());
        assertThat(grant.user()).isEqualTo(user.loggedInAt(time.now()));
        assertThat(users.findById(user.id())).contains(user.loggedInAt(time.now()));
        assertThat(grant.toString()).doesNotContain(grant.access()).doesNotContain(grant.refresh());
    }

    @Test
    void the_email_is_matched_ignoring_case() {
        User user = userWithPassword(PASSWORD);

        LogIn.TokenGrant grant = service.logIn(new LogIn.Command(user.email().value().toUpperCase(), PASSWORD));

        assertThat(grant.user().id()).isEqualTo(user.id());
    }

    @Test
    void an_unknown_email_fails_as_bad_credentials() {
        assertBadCredentials(new LogIn.Command(ChatFixtures.uniqueEmail().value(), PASSWORD));
    }

    @Test
    void a_wrong_password_fails_the_same_way() {
        User user = userWithPassword(PASSWORD);

        assertBadCredentials(new LogIn.Command(user.email().value(), PASSWORD + "x"));
        assertBadCredentials(new LogIn.Command(user.email().value(), ""));
        assertBadCredentials(new LogIn.Command(user.email().value(), null));
        assertThat(users.findById(user.id())).contains(user);
    }

    @Test
    void an_inactive_user_fails_the_same_way_even_with_the_right_password() {
        User user = userWithPassword(PASSWORD);
        users.update(user.withDetails(user.email(), user.profile(), user.status().withActive(false), time.now()));

        assertBadCredentials(new LogIn.Command(user.email().value(), PASSWORD));
        assertThat(users.findById(user.id()).orElseThrow().lastLogin()).isNull();
    }

    @Test
    void a_passwordless_backend_user_cannot_log_in_with_any_password() {
        User backendUser = ChatFixtures.minimalUser();
        users.add(new Account(backendUser, Optional.empty()));

        assertBadCredentials(new LogIn.Command(backendUser.email().value(), PASSWORD));
        assertBadCredentials(new LogIn.Command(backendUser.email().value(), "parley-timing-decoy-"));
        assertBadCredentials(new LogIn.Command(backendUser.email().value(), ""));
    }

    @Test
    void a_malformed_or_missing_email_fails_the_same_way() {
        assertBadCredentials(new LogIn.Command("not an email", PASSWORD));
        assertBadCredentials(new LogIn.Command(null, PASSWORD));
    }

    @Test
    void after_ten_failures_even_the_right_password_waits_for_the_window_and_then_works() {
        User user = userWithPassword(PASSWORD);
        for (int i = 0; i < 10; i++) {
            assertBadCredentials(new LogIn.Command(user.email().value(), "guess-" + i));
        }
        time.advance(Duration.ofMinutes(3));

        assertThatThrownBy(() -> service.logIn(new LogIn.Command(user.email().value().toUpperCase(), PASSWORD)))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.limit()).isEqualTo(RateLimited.Limit.LOG_IN);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(12));
                });
        time.advance(Duration.ofMinutes(12));

        assertThat(service.logIn(new LogIn.Command(user.email().value(), PASSWORD)).user().id()).isEqualTo(user.id());
    }

    @Test
    void an_address_without_an_account_is_throttled_the_same_way() {
        String nobody = ChatFixtures.uniqueEmail().value();
        for (int i = 0; i < 10; i++) {
            assertBadCredentials(new LogIn.Command(nobody, "guess-" + i));
        }

        assertThatThrownBy(() -> service.logIn(new LogIn.Command(nobody, PASSWORD)))
                .isInstanceOfSatisfying(RateLimited.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(15)));
    }

    @Test
    void a_success_clears_the_failures_so_far() {
        User user = userWithPassword(PASSWORD);
        for (int i = 0; i < 9; i++) {
            assertBadCredentials(new LogIn.Command(user.email().value(), "guess-" + i));
        }
        service.logIn(new LogIn.Command(user.email().value(), PASSWORD));

        for (int i = 0; i < 9; i++) {
            assertBadCredentials(new LogIn.Command(user.email().value(), "guess-" + i));
        }
        assertThat(service.logIn(new LogIn.Command(user.email().value(), PASSWORD)).user().id()).isEqualTo(user.id());
    }

    @Test
    void a_refused_attempt_hashes_nothing() {
        AtomicInteger checks = new AtomicInteger();
        PasswordHasher counting = new PasswordHasher() {
            @Override
            public EncodedPassword hash(String rawPassword) {
                return hasher.hash(rawPassword);
            }

            @Override
            public boolean matches(String rawPassword, EncodedPassword encoded) {
                checks.incrementAndGet();
                return hasher.matches(rawPassword, encoded);
            }
        };
        LogIn throttled = new LogInService(users, counting, tokens, time,
                new LocalLogInAttempts(new LogInWindow(2, Duration.ofMinutes(15)), time));
        String nobody = ChatFixtures.uniqueEmail().value();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> throttled.logIn(new LogIn.Command(nobody, PASSWORD)));
        }

        assertThat(checks).hasValue(2);
    }

    @Test
    void log_ins_refused_because_hashing_is_busy_are_no_failures_and_never_lock_out_the_right_password() {
        User user = userWithPassword(PASSWORD);
        AtomicBoolean busy = new AtomicBoolean(true);
        LogIn underLoad = new LogInService(users, hasherBusyWhile(busy), tokens, time,
                new LocalLogInAttempts(new LogInWindow(10, Duration.ofMinutes(15)), time));

        for (int i = 0; i < 25; i++) {
            assertThatThrownBy(() -> underLoad.logIn(new LogIn.Command(user.email().value(), PASSWORD)))
                    .as("attempt %d while hashing is busy", i + 1).isInstanceOf(Unavailable.class);
        }
        busy.set(false);

        assertThat(underLoad.logIn(new LogIn.Command(user.email().value(), PASSWORD)).user().id())
                .isEqualTo(user.id());
    }

    @Test
    void wrong_passwords_between_unjudged_attempts_still_count() {
        User user = userWithPassword(PASSWORD);
        AtomicBoolean busy = new AtomicBoolean(false);
        LogIn underLoad = new LogInService(users, hasherBusyWhile(busy), tokens, time,
                new LocalLogInAttempts(new LogInWindow(10, Duration.ofMinutes(15)), time));
        LogIn.Command wrong = new LogIn.Command(user.email().value(), "guess");

        for (int i = 0; i < 10; i++) {
            busy.set(true);
            assertThatThrownBy(() -> underLoad.logIn(wrong)).isInstanceOf(Unavailable.class);
            busy.set(false);
            assertThatThrownBy(() -> underLoad.logIn(wrong)).isInstanceOf(AuthenticationFailed.class);
        }

        assertThatThrownBy(() -> underLoad.logIn(new LogIn.Command(user.email().value(), PASSWORD)))
                .isInstanceOf(RateLimited.class);
    }

    @Test
    void a_log_in_whose_account_cannot_be_read_is_no_failure() {
        User user = userWithPassword(PASSWORD);
        AtomicBoolean down = new AtomicBoolean(true);
        UserAccounts flaky = new DelegatingUserAccounts(users) {
            @Override
            public Optional<Account> findByEmail(EmailAddress email) {
                if (down.get()) {
                    throw Unavailable.storeUnreachable(Duration.ofSeconds(1));
                }
                return super.findByEmail(email);
            }
        };
        LogIn duringOutage = new LogInService(flaky, hasher, tokens, time,
                new LocalLogInAttempts(new LogInWindow(10, Duration.ofMinutes(15)), time));

        for (int i = 0; i < 15; i++) {
            assertThatThrownBy(() -> duringOutage.logIn(new LogIn.Command(user.email().value(), PASSWORD)))
                    .isInstanceOf(Unavailable.class);
        }
        down.set(false);

        assertThat(duringOutage.logIn(new LogIn.Command(user.email().value(), PASSWORD)).user().id())
                .isEqualTo(user.id());
    }

    @Test
    void the_command_never_prints_the_password() {
        assertThat(new LogIn.Command("a@example.com", PASSWORD).toString()).doesNotContain(PASSWORD);
    }

    private void assertBadCredentials(LogIn.Command command) {
        int issuedBefore = tokens.issuedCount();
        assertThatThrownBy(() -> service.logIn(command))
                .isInstanceOfSatisfying(AuthenticationFailed.class, e -> {
                    assertThat(e.reason()).isEqualTo(AuthenticationFailed.Reason.BAD_CREDENTIALS);
                    assertThat(e).hasMessage("No active account found with the given credentials");
                });
        assertThat(tokens.issuedCount()).isEqualTo(issuedBefore);
    }

    /** {@link #hasher}, except that while {@code busy} checking a password is refused as a full hashing queue does. */
    private PasswordHasher hasherBusyWhile(AtomicBoolean busy) {
        return new PasswordHasher() {
            @Override
            public EncodedPassword hash(String rawPassword) {
                return hasher.hash(rawPassword);
            }

            @Override
            public boolean matches(String rawPassword, EncodedPassword encoded) {
                if (busy.get()) {
                    throw Unavailable.hashingBusy();
                }
                return hasher.matches(rawPassword, encoded);
            }
        };
    }

    /** A hasher whose background hashes complete only when the test says so (the decoy being made at start). */
    private static final class SlowDecoyHasher implements PasswordHasher {
        private final FakePasswordHasher fake = new FakePasswordHasher();
        final CompletableFuture<EncodedPassword> decoy = new CompletableFuture<>();
        final AtomicInteger backgroundHashes = new AtomicInteger();
        final AtomicInteger matchesCalls = new AtomicInteger();

        @Override
        public EncodedPassword hash(String rawPassword) {
            return fake.hash(rawPassword);
        }

        @Override
        public CompletableFuture<EncodedPassword> hashInBackground(String rawPassword) {
            backgroundHashes.incrementAndGet();
            return decoy;
        }

        @Override
        public boolean matches(String rawPassword, EncodedPassword encoded) {
            matchesCalls.incrementAndGet();
            return fake.matches(rawPassword, encoded);
        }
    }

    @Test
    void the_decoy_is_made_in_the_background_and_every_log_in_waits_for_it_alike() throws Exception {
        SlowDecoyHasher slow = new SlowDecoyHasher();
        // Built at once, although the decoy is not made yet: the server's start does not wait for it.
        LogIn login = new LogInService(users, slow, tokens, time,
                new LocalLogInAttempts(new LogInWindow(10, Duration.ofMinutes(15)), time));
        assertThat(slow.backgroundHashes).hasValue(1);
        User user = ChatFixtures.minimalUser();
        users.add(new Account(user, Optional.of(slow.hash(PASSWORD))));
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<LogIn.TokenGrant> known = callers.submit(
                    () -> login.logIn(new LogIn.Command(user.email().value(), PASSWORD)));
            Future<LogIn.TokenGrant> unknown = callers.submit(
                    () -> login.logIn(new LogIn.Command(ChatFixtures.uniqueEmail().value(), PASSWORD)));

            // Neither is answered, nor its password checked, before the decoy exists: the known address waits too.
            assertThatThrownBy(() -> known.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> unknown.get(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(slow.matchesCalls).hasValue(0);

            slow.decoy.complete(slow.hash("the decoy"));

            assertThat(known.get(5, TimeUnit.SECONDS).user().id()).isEqualTo(user.id());
            assertThatThrownBy(() -> unknown.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AuthenticationFailed.class);
            assertThat(slow.matchesCalls).hasValue(2);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void a_decoy_that_failed_in_the_background_is_made_again_before_the_address_is_looked_up() {
        SlowDecoyHasher slow = new SlowDecoyHasher();
        LogIn login = new LogInService(users, slow, tokens, time,
                new LocalLogInAttempts(new LogInWindow(10, Duration.ofMinutes(15)), time));
        slow.decoy.completeExceptionally(new IllegalStateException("the pool was stopped"));

        assertThatThrownBy(() -> login.logIn(new LogIn.Command(ChatFixtures.uniqueEmail().value(), PASSWORD)))
                .isInstanceOf(AuthenticationFailed.class);
        User user = ChatFixtures.minimalUser();
        users.add(new Account(user, Optional.of(slow.hash(PASSWORD))));
        assertThat(login.logIn(new LogIn.Command(user.email().value(), PASSWORD)).user().id()).isEqualTo(user.id());
        assertThat(slow.matchesCalls).hasValue(2);
    }

    private User userWithPassword(String password) {
        User user = ChatFixtures.minimalUser();
        users.add(new Account(user, Optional.of(hasher.hash(password))));
        return user;
    }
}
