package org.parley.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.AuthenticationFailed.Reason;
import org.parley.application.port.out.TokenPair;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.UserId;

class JwtTokensTest {

    private static final String SECRET = "parley-test-secret-that-is-long-enough-0123456789";
    private static final UserId USER = UserId.parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    /** 2025-03-14T10:07:31Z, the {@code iat} of the fixed tokens below. */
    private static final Instant ISSUED = Instant.ofEpochSecond(1_741_946_851);

    /**
     * Access and refresh tokens in simplejwt's layout, built with Python's standard library only (json, hmac, base64)
     * and the secret above: iat {@link #ISSUED}, access exp 5 minutes later, refresh exp one day later.
     */
    private static final String PYTHON_ACCESS = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzQxOTQ3MTUxLCJpYXQiOjE3NDE5NDY4NTEsImp0aSI6IjhmNGMxYjdlMmQzYTRmNWI5YzBlMWQyZjNhNGI1YzZkIiwidXNlcl9pZCI6IjNmMjUwNGUwLTRmODktNDFkMy05YTBjLTAzMDVlODJjMzMwMSJ9"
            + ".r9bQ9kJMXEPPoISmYO72-kEZqP4eCi0UXSI2zf57cOM";
    private static final String PYTHON_REFRESH = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc0MjAzMzI1MSwiaWF0IjoxNzQxOTQ2ODUxLCJqdGkiOiIwYTFiMmMzZDRlNWY0MDcxODI5M2E0YjVjNmQ3ZThmOSIsInVzZXJfaWQiOiIzZjI1MDRlMC00Zjg5LTQxZDMtOWEwYy0wMzA1ZTgyYzMzMDEifQ"
            + ".Yhsr81pO8es4AtDuHQL3XsHqY5LMXQGfb9Oe8R68R80";

    private final ManualTimeSource time = new ManualTimeSource(ISSUED.plusSeconds(60));
    private final JwtTokens tokens = new JwtTokens(SECRET, Duration.ofMinutes(15), Duration.ofDays(1), time);

    @Test
    void issued_tokens_verify_as_their_own_type() {
        TokenPair pair = tokens.issue(USER);

        assertThat(tokens.verifyAccess(pair.access())).isEqualTo(USER);
        assertThat(tokens.verifyRefresh(pair.refresh())).isEqualTo(USER);
        assertThat(tokens.verifyAccess(tokens.issueAccess(USER))).isEqualTo(USER);
    }

    @Test
    void issued_tokens_have_simplejwts_layout() {
        TokenPair pair = tokens.issue(USER);

        DecodedJWT access = JWT.decode(pair.access());
        assertThat(access.getAlgorithm()).isEqualTo("HS256");
        assertThat(access.getType()).isEqualTo("JWT");
        assertThat(access.getClaim("token_type").asString()).isEqualTo("access");
        assertThat(access.getClaim("user_id").asString()).isEqualTo(USER.toString());
        assertThat(access.getIssuedAtAsInstant()).isEqualTo(ISSUED.plusSeconds(60));
        assertThat(access.getExpiresAtAsInstant()).isEqualTo(ISSUED.plusSeconds(60).plus(Duration.ofMinutes(15)));
        assertThat(access.getId()).matches("[0-9a-f]{32}");
        assertThat(access.getClaims()).containsOnlyKeys("token_type", "exp", "iat", "jti", "user_id");
        DecodedJWT refresh = JWT.decode(pair.refresh());
        assertThat(refresh.getClaim("token_type").asString()).isEqualTo("refresh");
        assertThat(refresh.getExpiresAtAsInstant()).isEqualTo(ISSUED.plusSeconds(60).plus(Duration.ofDays(1)));
        assertThat(refresh.getId()).isNotEqualTo(access.getId());
    }

    @Test
    void tokens_made_by_python_in_simplejwt_layout_verify() {
        assertThat(tokens.verifyAccess(PYTHON_ACCESS)).isEqualTo(USER);
        assertThat(tokens.verifyRefresh(PYTHON_REFRESH)).isEqualTo(USER);
    }

    @Test
    void tokens_made_independently_with_the_jwt_library_verify() {
        String token = JWT.create()
                .withClaim("token_type", "access")
                .withExpiresAt(time.now().plusSeconds(30))
                .withIssuedAt(time.now())
                .withJWTId("abc123")
                .withClaim("user_id", USER.toString())
                .sign(Algorithm.HMAC256(SECRET));

        assertThat(tokens.verifyAccess(token)).isEqualTo(USER);
    }

    @Test
    void a_token_issued_slightly_in_the_future_is_accepted_like_simplejwt_does() {
        String token = JWT.create()
                .withClaim("token_type", "access")
                .withExpiresAt(time.now().plusSeconds(300))
                .withIssuedAt(time.now().plusSeconds(5))
                .withJWTId("skewed")
                .withClaim("user_id", USER.toString())
                .sign(Algorithm.HMAC256(SECRET));

        assertThat(tokens.verifyAccess(token)).isEqualTo(USER);
    }

    @Test
    void expired_tokens_are_refused_by_the_time_source() {
        TokenPair pair = tokens.issue(USER);
        time.advance(Duration.ofMinutes(15).plusSeconds(1));

        assertFails(() -> tokens.verifyAccess(pair.access()), Reason.EXPIRED_TOKEN);
        assertThat(tokens.verifyRefresh(pair.refresh())).isEqualTo(USER);

        time.advance(Duration.ofDays(1));
        assertFails(() -> tokens.verifyRefresh(pair.refresh()), Reason.EXPIRED_TOKEN);
        assertFails(() -> tokens.verifyAccess(PYTHON_ACCESS), Reason.EXPIRED_TOKEN);
    }

    @Test
    void refresh_and_access_tokens_are_not_interchangeable() {
        TokenPair pair = tokens.issue(USER);

        assertFails(() -> tokens.verifyAccess(pair.refresh()), Reason.WRONG_TOKEN_TYPE);
        assertFails(() -> tokens.verifyRefresh(pair.access()), Reason.WRONG_TOKEN_TYPE);
        assertFails(() -> tokens.verifyAccess(PYTHON_REFRESH), Reason.WRONG_TOKEN_TYPE);
        assertFails(() -> tokens.verifyRefresh(PYTHON_ACCESS), Reason.WRONG_TOKEN_TYPE);
    }

    @Test
    void a_tampered_signature_or_payload_is_refused() {
        String token = tokens.issueAccess(USER);
        String[] parts = token.split("\\.");
        String otherUser = base64Url("{\"token_type\":\"access\",\"exp\":" + time.now().plusSeconds(600).getEpochSecond()
                + ",\"iat\":1,\"jti\":\"x\",\"user_id\":\"" + UserId.random() + "\"}");
        char last = parts[2].charAt(0);
        String flipped = (last == 'A' ? 'B' : 'A') + parts[2].substring(1);

        assertFails(() -> tokens.verifyAccess(parts[0] + "." + parts[1] + "." + flipped), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(parts[0] + "." + otherUser + "." + parts[2]), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(parts[0] + "." + parts[1] + "."), Reason.INVALID_TOKEN);
    }

    @Test
    void a_token_signed_with_another_secret_is_refused() {
        JwtTokens other = new JwtTokens("another-secret-that-is-also-long-enough-42", time);

        assertFails(() -> tokens.verifyAccess(other.issueAccess(USER)), Reason.INVALID_TOKEN);
    }

    @Test
    void an_unsigned_alg_none_token_is_refused() {
        String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = base64Url("{\"token_type\":\"access\",\"exp\":" + time.now().plusSeconds(600).getEpochSecond()
                + ",\"iat\":" + time.now().getEpochSecond() + ",\"jti\":\"abc\",\"user_id\":\"" + USER + "\"}");

        assertFails(() -> tokens.verifyAccess(header + "." + payload + "."), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(header + "." + payload), Reason.INVALID_TOKEN);
        String signedPart = tokens.issueAccess(USER).split("\\.")[2];
        assertFails(() -> tokens.verifyAccess(header + "." + payload + "." + signedPart), Reason.INVALID_TOKEN);
    }

    @Test
    void a_token_with_another_algorithm_is_refused_even_with_the_right_secret() {
        String hs512 = validClaims().sign(Algorithm.HMAC512(SECRET));
        String hs384 = validClaims().sign(Algorithm.HMAC384(SECRET));

        assertFails(() -> tokens.verifyAccess(hs512), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(hs384), Reason.INVALID_TOKEN);
    }

    @Test
    void a_token_missing_a_required_claim_is_refused() {
        Algorithm hs256 = Algorithm.HMAC256(SECRET);
        Instant exp = time.now().plusSeconds(300);

        String noExp = JWT.create().withClaim("token_type", "access").withJWTId("a")
                .withClaim("user_id", USER.toString()).sign(hs256);
        String noJti = JWT.create().withClaim("token_type", "access").withExpiresAt(exp)
                .withClaim("user_id", USER.toString()).sign(hs256);
        String noType = JWT.create().withExpiresAt(exp).withJWTId("a").withClaim("user_id", USER.toString()).sign(hs256);
        String noUser = JWT.create().withClaim("token_type", "access").withExpiresAt(exp).withJWTId("a").sign(hs256);

        assertFails(() -> tokens.verifyAccess(noExp), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(noJti), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(noType), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(noUser), Reason.INVALID_TOKEN);
    }

    @Test
    void a_user_id_that_is_not_a_uuid_string_is_refused() {
        Algorithm hs256 = Algorithm.HMAC256(SECRET);
        Date exp = Date.from(time.now().plusSeconds(300));
        String numeric = JWT.create().withClaim("token_type", "access").withExpiresAt(exp).withJWTId("a")
                .withClaim("user_id", 42).sign(hs256);
        String text = JWT.create().withClaim("token_type", "access").withExpiresAt(exp).withJWTId("a")
                .withClaim("user_id", "admin").sign(hs256);
        String objectType = JWT.create().withClaim("token_type", Map.of("type", "access")).withExpiresAt(exp)
                .withJWTId("a").withClaim("user_id", USER.toString()).sign(hs256);

        assertFails(() -> tokens.verifyAccess(numeric), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(text), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyAccess(objectType), Reason.INVALID_TOKEN);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "garbage", "a.b.c", "a.b", "....", "eyJhbGciOiJIUzI1NiJ9.e30.",
            "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", "Bearer x.y.z", "%%%.%%%.%%%"})
    void garbage_is_an_invalid_token(String token) {
        assertFails(() -> tokens.verifyAccess(token), Reason.INVALID_TOKEN);
        assertFails(() -> tokens.verifyRefresh(token), Reason.INVALID_TOKEN);
    }

    @Test
    void an_overlong_token_is_refused_without_parsing() {
        assertFails(() -> tokens.verifyAccess(tokens.issueAccess(USER) + "A".repeat(5000)), Reason.INVALID_TOKEN);
    }

    @Test
    void failures_never_quote_the_token() {
        String token = tokens.issue(USER).refresh();

        assertThatThrownBy(() -> tokens.verifyAccess(token))
                .isInstanceOf(AuthenticationFailed.class)
                .hasMessage("Given token not valid for any token type")
                .hasNoCause();
    }

    @Test
    void the_secret_must_have_32_bytes_and_is_never_shown() {
        String shortSecret = "too-short-secret-31-bytes-long!";
        assertThat(shortSecret.getBytes(StandardCharsets.UTF_8)).hasSize(31);

        assertThatThrownBy(() -> new JwtTokens(shortSecret, time))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain(shortSecret);
        assertThatThrownBy(() -> new JwtTokens(null, time)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new JwtTokens(shortSecret + "!", time).verifyAccess(new JwtTokens(shortSecret + "!", time)
                .issueAccess(USER))).isEqualTo(USER);
        assertThat(tokens.toString()).doesNotContain(SECRET);
    }

    @Test
    void lifetimes_must_be_positive() {
        assertThatThrownBy(() -> new JwtTokens(SECRET, Duration.ZERO, Duration.ofDays(1), time))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JwtTokens(SECRET, Duration.ofMinutes(5), Duration.ofSeconds(-1), time))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(JwtTokens.DEFAULT_ACCESS_LIFETIME).isEqualTo(Duration.ofMinutes(15));
        assertThat(JwtTokens.DEFAULT_REFRESH_LIFETIME).isEqualTo(Duration.ofDays(1));
    }

    private JWTCreator.Builder validClaims() {
        return JWT.create()
                .withClaim("token_type", "access")
                .withExpiresAt(time.now().plusSeconds(300))
                .withIssuedAt(time.now())
                .withJWTId("abc")
                .withClaim("user_id", USER.toString());
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertFails(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthenticationFailed.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
