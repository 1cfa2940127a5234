package org.parley.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;

/**
 * Mints access tokens the way a Django backend sharing Parley's secret does: HS256 in djangorestframework-simplejwt's
 * layout ({@code token_type=access}, {@code user_id}, {@code exp}, {@code iat}, {@code jti}).
 */
final class AccessTokens {

    private final Algorithm algorithm;
    private final Duration lifetime;

    AccessTokens(String secret, Duration lifetime) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the JWT secret is required (--jwt-secret)");
        }
        this.algorithm = Algorithm.HMAC256(secret);
        this.lifetime = lifetime;
    }

    String mint(UUID userId, Instant now) {
        return JWT.create()
                .withClaim("token_type", "access")
                .withClaim("user_id", userId.toString())
                .withIssuedAt(now)
                .withExpiresAt(now.plus(lifetime))
                .withJWTId(UUID.randomUUID().toString().replace("-", ""))
                .sign(algorithm);
    }
}
