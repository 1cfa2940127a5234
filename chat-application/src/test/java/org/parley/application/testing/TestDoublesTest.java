package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.AuthenticationFailed.Reason;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.TokenPair;
import org.parley.domain.user.UserId;

/** The fakes without a contract test behave like the ports they stand in for. */
class TestDoublesTest {

    @Test
    void fake_tokens_tell_types_apart_and_can_expire() {
        FakeTokens tokens = new FakeTokens();
        UserId user = UserId.random();
        TokenPair pair = tokens.issue(user);

        assertThat(tokens.verifyAccess(pair.access())).isEqualTo(user);
        assertThat(tokens.verifyRefresh(pair.refresh())).isEqualTo(user);
        assertReason(() -> tokens.verifyAccess(pair.refresh()), Reason.WRONG_TOKEN_TYPE);
        assertReason(() -> tokens.verifyRefresh(pair.access()), Reason.WRONG_TOKEN_TYPE);
        assertReason(() -> tokens.verifyAccess(null), Reason.INVALID_TOKEN);
        assertReason(() -> tokens.verifyAccess("forged"), Reason.INVALID_TOKEN);
        tokens.expire(pair.access());
        assertReason(() -> tokens.verifyAccess(pair.access()), Reason.EXPIRED_TOKEN);
        assertThat(tokens.issuedCount()).isEqualTo(2);
    }

    @Test
    void fake_hasher_salts_matches_and_ignores_foreign_encodings() {
        FakePasswordHasher hasher = new FakePasswordHasher();
        EncodedPassword first = hasher.hash("secret");
        EncodedPassword second = hasher.hash("secret");

        assertThat(first).isNotEqualTo(second);
        assertThat(hasher.matches("secret", first)).isTrue();
        assertThat(hasher.matches("secret", second)).isTrue();
        assertThat(hasher.matches("Secret", first)).isFalse();
        assertThat(hasher.matches(null, first)).isFalse();
        assertThat(hasher.matches("secret", null)).isFalse();
        assertThat(hasher.matches("secret", new EncodedPassword("pbkdf2_sha256$1$salt$hash"))).isFalse();
        assertThat(hasher.matches("secret", new EncodedPassword(""))).isFalse();
    }

    @Test
    void manual_time_moves_only_when_told_and_keeps_microseconds() {
        ManualTimeSource time = new ManualTimeSource(Instant.parse("2025-01-01T00:00:00.123456789Z"));

        assertThat(time.now()).isEqualTo(Instant.parse("2025-01-01T00:00:00.123456Z"));
        assertThat(time.now()).isEqualTo(time.now());
        assertThat(time.advance(Duration.ofNanos(1_500))).isEqualTo(Instant.parse("2025-01-01T00:00:00.123457Z"));
        time.set(Instant.parse("2030-05-05T05:05:05.000000999Z"));
        assertThat(time.now()).isEqualTo(Instant.parse("2030-05-05T05:05:05Z"));
    }

    private static void assertReason(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthenticationFailed.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
