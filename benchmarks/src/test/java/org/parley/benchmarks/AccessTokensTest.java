package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

    private static final String SECRET = "a-secret-that-is-long-enough-for-hs256!";

    @Test
    void mintsSimplejwtAccessTokensSignedWithTheSharedSecret() {
        UUID user = UUID.randomUUID();
        Instant now = Instant.parse("2026-11-24T22:00:00Z");

        String token = new AccessTokens(SECRET, Duration.ofHours(2)).mint(user, now);

        DecodedJWT decoded = JWT.require(Algorithm.HMAC256(SECRET)).acceptExpiresAt(Long.MAX_VALUE / 1000).build()
                .verify(token);
        assertThat(decoded.getAlgorithm()).isEqualTo("HS256");
        assertThat(decoded.getClaim("token_type").asString()).isEqualTo("access");
        assertThat(decoded.getClaim("user_id").asString()).isEqualTo(user.toString());
        assertThat(decoded.getIssuedAtAsInstant()).isEqualTo(now);
        assertThat(decoded.getExpiresAtAsInstant()).isEqualTo(now.plus(Duration.ofHours(2)));
        assertThat(decoded.getId()).matches("[0-9a-f]{32}");
        assertThat(decoded.getClaims().keySet()).containsExactlyInAnyOrder("token_type", "user_id", "iat", "exp", "jti");
    }

    @Test
    void everyTokenHasItsOwnId() {
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(5));
        UUID user = UUID.randomUUID();
        Instant now = Instant.now();

        assertThat(JWT.decode(tokens.mint(user, now)).getId()).isNotEqualTo(JWT.decode(tokens.mint(user, now)).getId());
    }

    @Test
    void anotherSecretDoesNotVerify() {
        String token = new AccessTokens(SECRET, Duration.ofMinutes(5)).mint(UUID.randomUUID(), Instant.now());

        assertThatThrownBy(() -> JWT.require(Algorithm.HMAC256("another-secret-long-enough-for-hs256!!")).build()
                .verify(token)).isInstanceOf(SignatureVerificationException.class);
    }

    @Test
    void refusesABlankSecret() {
        assertThatThrownBy(() -> new AccessTokens(" ", Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--jwt-secret");
    }
}
