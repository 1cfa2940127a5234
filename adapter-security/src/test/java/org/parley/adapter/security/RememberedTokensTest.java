package org.parley.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.AuthenticationFailed.Reason;
import org.parley.application.service.AuthenticateTokenService;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** {@link JwtTokens}' memo of verified tokens: what it may skip, and what it must never skip. */
class RememberedTokensTest {

    private static final String SECRET = "parley-test-secret-that-is-long-enough-0123456789";
    private static final UserId USER = UserId.parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    private static final Instant START = Instant.parse("2025-03-14T10:07:31.270646Z");

    private final ManualTimeSource time = new ManualTimeSource(START);
    private final JwtTokens tokens = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 100);

    @Test
    void a_verified_token_is_remembered_and_answers_the_same() {
        String access = tokens.issueAccess(USER);

        assertThat(tokens.verifyAccess(access)).isEqualTo(USER);
        assertThat(tokens.remembered()).isEqualTo(1);
        assertThat(tokens.verifyAccess(access)).isEqualTo(USER);
        assertThat(tokens.remembered()).isEqualTo(1);
    }

    @Test
    void a_remembered_token_expires_exactly_when_the_library_says_so() {
        // exp is in whole seconds; the library truncates the time to seconds and wants it before exp.
        String access = tokens.issueAccess(USER);
        Instant exp = JWT.decode(access).getExpiresAtAsInstant();
        JwtTokens unremembering = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 0);
        tokens.verifyAccess(access);

        for (Instant at : List.of(exp.minusSeconds(1), exp.minusMillis(1), exp, exp.plusMillis(1), exp.plusMillis(999),
                exp.plusSeconds(1), exp.plusSeconds(3600))) {
            time.set(at);
            Reason full = outcome(() -> unremembering.verifyAccess(access));
            Reason remembered = outcome(() -> tokens.verifyAccess(access));
            assertThat(remembered).as("at %s", at).isEqualTo(full);
        }
        assertThat(tokens.remembered()).isEqualTo(1);
        time.set(exp.minusMillis(1));
        assertThat(outcome(() -> tokens.verifyAccess(access))).isNull();
        time.set(exp);
        assertThat(outcome(() -> tokens.verifyAccess(access))).isEqualTo(Reason.EXPIRED_TOKEN);
    }

    @Test
    void a_remembered_token_is_still_refused_as_the_wrong_type() {
        String access = tokens.issueAccess(USER);
        String refresh = tokens.issue(USER).refresh();
        tokens.verifyAccess(access);
        tokens.verifyRefresh(refresh);

        assertFails(() -> tokens.verifyRefresh(access), Reason.WRONG_TOKEN_TYPE);
        assertFails(() -> tokens.verifyAccess(refresh), Reason.WRONG_TOKEN_TYPE);
    }

    @Test
    void a_tampered_token_is_never_served_from_the_memo() {
        String access = tokens.issueAccess(USER);
        tokens.verifyAccess(access);
        String[] parts = access.split("\\.");
        String otherUser = base64Url("{\"token_type\":\"access\",\"exp\":" + START.plusSeconds(600).getEpochSecond()
                + ",\"iat\":1,\"jti\":\"x\",\"user_id\":\"" + UserId.random() + "\"}");
        String flipped = (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        List<String> tampered = List.of(
                parts[0] + "." + parts[1] + "." + flipped,
                parts[0] + "." + otherUser + "." + parts[2],
                parts[0] + "." + parts[1] + ".",
                parts[0] + "." + parts[1],
                access + "A",
                access.substring(0, access.length() - 1),
                " " + access);

        for (String token : tampered) {
            assertFails(() -> tokens.verifyAccess(token), Reason.INVALID_TOKEN);
            assertFails(() -> tokens.verifyAccess(token), Reason.INVALID_TOKEN);
        }
        assertThat(tokens.remembered()).isEqualTo(1);
        assertThat(tokens.verifyAccess(access)).isEqualTo(USER);
    }

    @Test
    void refused_tokens_are_never_remembered_so_hostile_input_cannot_fill_the_memo() {
        Algorithm otherKey = Algorithm.HMAC256("another-secret-that-is-also-long-enough-42");
        for (int i = 0; i < 1_000; i++) {
            String forged = JWT.create().withClaim("token_type", "access").withExpiresAt(START.plusSeconds(600))
                    .withJWTId("j" + i).withClaim("user_id", USER.toString()).sign(otherKey);
            assertFails(() -> tokens.verifyAccess(forged), Reason.INVALID_TOKEN);
            String garbage = "garbage." + i;
            assertFails(() -> tokens.verifyAccess(garbage), Reason.INVALID_TOKEN);
        }
        String expired = tokens.issueAccess(USER);
        time.advance(Duration.ofMinutes(16));
        assertFails(() -> tokens.verifyAccess(expired), Reason.EXPIRED_TOKEN);

        assertThat(tokens.remembered()).isZero();
    }

    @Test
    void the_memo_holds_at_most_its_bound() {
        JwtTokens small = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 8);
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String access = small.issueAccess(UserId.random());
            issued.add(access);
            small.verifyAccess(access);
        }

        assertThat(small.remembered()).isLessThanOrEqualTo(8);
        // Every one of them still verifies, remembered or not.
        for (String access : issued) {
            assertThat(small.verifyAccess(access)).isEqualTo(UserId.parse(JWT.decode(access).getClaim("user_id")
                    .asString()));
        }
        assertThat(small.remembered()).isLessThanOrEqualTo(8);
        assertThatThrownBy(() -> new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_remembered_token_leaves_the_memo_ten_seconds_after_its_last_use() {
        AtomicLong nanos = new AtomicLong();
        JwtTokens ticking = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 100, nanos::get);
        String used = ticking.issueAccess(USER);
        String idle = ticking.issueAccess(USER);
        ticking.verifyAccess(used);
        ticking.verifyAccess(idle);

        nanos.addAndGet(Duration.ofSeconds(6).toNanos());
        ticking.verifyAccess(used);
        assertThat(ticking.remembered()).isEqualTo(2);
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(ticking.remembered()).as("idle for 11 s").isEqualTo(1);
        nanos.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(ticking.remembered()).isZero();
        assertThat(ticking.verifyAccess(idle)).isEqualTo(USER);
        assertThat(JwtTokens.REMEMBERED_FOR).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void a_deactivated_user_is_refused_with_a_remembered_token() {
        InMemoryUserAccounts users = new InMemoryUserAccounts();
        User user = ChatFixtures.addUser(users);
        AuthenticateTokenService authenticate = new AuthenticateTokenService(tokens, users);
        String access = tokens.issueAccess(user.id());
        assertThat(authenticate.authenticate(access).id()).isEqualTo(user.id());
        assertThat(tokens.remembered()).isEqualTo(1);

        users.update(user.withDetails(user.email(), user.profile(), user.status().withActive(false), time.now()));

        assertFails(() -> authenticate.authenticate(access), Reason.INACTIVE_USER);
        assertThat(tokens.verifyAccess(access)).isEqualTo(user.id());
    }

    @Test
    void a_remembered_check_allocates_a_small_fraction_of_a_full_one() {
        String access = tokens.issueAccess(USER);
        JwtTokens unremembering = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time, 0);
        long full = leastAllocatedPerCall(() -> unremembering.verifyAccess(access));
        long remembered = leastAllocatedPerCall(() -> tokens.verifyAccess(access));

        System.out.printf("verifyAccess: %d B allocated per full check, %d B per remembered one; thread CPU (an "
                + "indication only) %d ns and %d ns%n", full, remembered,
                leastCpuNanosPerCall(() -> unremembering.verifyAccess(access)),
                leastCpuNanosPerCall(() -> tokens.verifyAccess(access)));
        assertThat(full).isGreaterThan(1_000);
        assertThat(remembered).isLessThan(full / 10);
    }

    /** The least bytes allocated per call on this thread over 10 rounds of 2,000 calls. */
    private static long leastAllocatedPerCall(Supplier<UserId> call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 2_000; i++) {
                call.get();
            }
            least = Math.min(least, (threads.getThreadAllocatedBytes(thread) - before) / 2_000);
        }
        return least;
    }

    /** The least thread CPU time per call over 10 rounds of 200 calls. */
    private static long leastCpuNanosPerCall(Supplier<UserId> call) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long before = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 200; i++) {
                call.get();
            }
            least = Math.min(least, (threads.getCurrentThreadCpuTime() - before) / 200);
        }
        return least;
    }

    private static Reason outcome(ThrowingCallable call) {
        try {
            call.call();
            return null;
        } catch (AuthenticationFailed e) {
            return e.reason();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertFails(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthenticationFailed.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
