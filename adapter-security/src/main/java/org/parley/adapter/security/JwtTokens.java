package org.parley.adapter.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.auth0.jwt.JWT;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.AuthenticationFailed.Reason;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.TokenPair;
import org.parley.application.port.out.Tokens;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.user.UserId;

/**
 * {@link Tokens} as HS256-signed JWTs in the claim layout of djangorestframework-simplejwt: header {@code typ: JWT};
 * claims {@code token_type} ({@code "access"} or {@code "refresh"}), {@code exp}, {@code iat}, {@code jti} and
 * {@code user_id} (the user's UUID). A Django backend that shares the secret can therefore mint tokens Parley accepts,
 * and read the ones Parley issues.
 *
 * <p>Verification accepts only HS256 with this secret (never {@code alg: none} or another algorithm), requires
 * {@code exp} and {@code jti} like simplejwt, judges expiry by the {@link TimeSource}, and reports every failure as an
 * {@link AuthenticationFailed} whose message never contains the token.
 *
 * <p><b>Verified tokens are remembered</b> (a restart storm checks each client's token twice: at the websocket
 * handshake and at the catch-up request that follows it). A token that passed the full check (signature, claims, a
 * {@code token_type} string and a {@code user_id} UUID) is held, keyed by its exact text, with its type, user and
 * {@code exp}; a later check of the same text skips the library's decoding and HMAC but still judges {@code exp} by the
 * {@link TimeSource} (and {@code nbf}, should the clock step back), exactly as the library does, and still refuses the
 * wrong type. Nothing is held for a token that failed, so a tampered, forged or malformed token (a different text)
 * always takes the full check, and hostile input cannot fill the memo. At most {@code maximumRemembered} tokens are
 * held (Caffeine's W-TinyLFU chooses which go: tokens used once do not push out tokens in use), each for at most
 * {@link #REMEMBERED_FOR} after its last use (about 0.5 KB each). Whether the user is still active is not the
 * token's matter: {@code AuthenticateTokenService} reads the user on every authentication, so a deactivated user is
 * refused with a remembered token as with a fresh one.
 */
public final class JwtTokens implements Tokens {

    /** Lifetime of an access token unless configured otherwise. */
    public static final Duration DEFAULT_ACCESS_LIFETIME = Duration.ofMinutes(15);
    /** Lifetime of a refresh token unless configured otherwise. */
    public static final Duration DEFAULT_REFRESH_LIFETIME = Duration.ofDays(1);
    /** The shortest secret accepted, in UTF-8 bytes: HS256 wants a key at least as long as its 256-bit output. */
    public static final int MIN_SECRET_BYTES = 32;

    static final String TOKEN_TYPE = "token_type";
    static final String USER_ID = "user_id";
    static final String ACCESS = "access";
    static final String REFRESH = "refresh";
    /** Far longer than any token this layout yields; anything longer is refused before it is parsed. */
    private static final int MAX_TOKEN_LENGTH = 4096;
    /**
     * How many verified tokens are remembered unless configured otherwise: a 10,000-client restart storm's tokens fit.
     * Each costs about 0.5 KB of heap (the token's text is most of it), so at most about 5 MB.
     */
    public static final int DEFAULT_MAXIMUM_REMEMBERED = 10_000;
    /**
     * How long a remembered token stays held after its last use (its {@code exp} is checked on every use anyway): long
     * enough for a handshake's catch-up request and a quick reconnection, short enough that idle connections do not
     * keep their tokens on the heap.
     */
    public static final Duration REMEMBERED_FOR = Duration.ofSeconds(10);

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration accessLifetime;
    private final Duration refreshLifetime;
    private final TimeSource time;
    /** Tokens that passed the full check, by their exact text; {@code null} when none are remembered. */
    private final Cache<String, Verified> verified;

    /**
     * @param secret          the shared signing secret (Django's {@code SIGNING_KEY}), at least {@value #MIN_SECRET_BYTES}
     *                        bytes in UTF-8
     * @param accessLifetime  how long an access token stays valid; positive
     * @param refreshLifetime how long a refresh token stays valid; positive
     * @throws IllegalArgumentException when the secret is too short or a lifetime is not positive (the message never
     *                                  shows the secret)
     */
    public JwtTokens(String secret, Duration accessLifetime, Duration refreshLifetime, TimeSource time) {
        this(secret, accessLifetime, refreshLifetime, time, DEFAULT_MAXIMUM_REMEMBERED);
    }

    /**
     * As {@link #JwtTokens(String, Duration, Duration, TimeSource)}, remembering at most {@code maximumRemembered}
     * verified tokens (0: none, every check is a full one).
     *
     * @throws IllegalArgumentException also when {@code maximumRemembered} is negative
     */
    public JwtTokens(String secret, Duration accessLifetime, Duration refreshLifetime, TimeSource time,
                     int maximumRemembered) {
        this(secret, accessLifetime, refreshLifetime, time, maximumRemembered, Ticker.systemTicker());
    }

    /** As above, the memo's {@link #REMEMBERED_FOR} measured by {@code ticker} (tests). */
    JwtTokens(String secret, Duration accessLifetime, Duration refreshLifetime, TimeSource time, int maximumRemembered,
              Ticker ticker) {
        if (maximumRemembered < 0) {
            throw new IllegalArgumentException("maximumRemembered must not be negative, got " + maximumRemembered);
        }
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "The JWT secret must be at least " + MIN_SECRET_BYTES + " bytes long (UTF-8)");
        }
        this.accessLifetime = requirePositive(accessLifetime, "accessLifetime");
        this.refreshLifetime = requirePositive(refreshLifetime, "refreshLifetime");
        this.time = Objects.requireNonNull(time, "time");
        this.algorithm = Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8));
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withClaimPresence(TOKEN_TYPE)
                .withClaimPresence(USER_ID)
                .withClaimPresence("exp")
                .withClaimPresence("jti")
                .ignoreIssuedAt())
                .build(new TimeSourceClock(time));
        // The system scheduler lets idle entries leave on time even when no further token is checked.
        // (Caffeine evicts after a write, not during it: a bound of 0 would still hold a token for a moment.)
        this.verified = maximumRemembered == 0 ? null : Caffeine.newBuilder()
                .maximumSize(maximumRemembered)
                .expireAfterAccess(REMEMBERED_FOR)
                .ticker(ticker)
                .scheduler(Scheduler.systemScheduler())
                .build();
    }

    /** Tokens with the default lifetimes. */
    public JwtTokens(String secret, TimeSource time) {
        this(secret, DEFAULT_ACCESS_LIFETIME, DEFAULT_REFRESH_LIFETIME, time);
    }

    @Override
    public TokenPair issue(UserId user) {
        return new TokenPair(sign(user, ACCESS, accessLifetime), sign(user, REFRESH, refreshLifetime));
    }

    @Override
    public String issueAccess(UserId user) {
        return sign(user, ACCESS, accessLifetime);
    }

    @Override
    public UserId verifyAccess(String accessToken) {
        return verify(accessToken, ACCESS);
    }

    @Override
    public UserId verifyRefresh(String refreshToken) {
        return verify(refreshToken, REFRESH);
    }

    private String sign(UserId user, String type, Duration lifetime) {
        Objects.requireNonNull(user, "user");
        Instant now = time.now().truncatedTo(ChronoUnit.SECONDS);
        return JWT.create()
                .withHeader(Map.of("typ", "JWT"))
                .withClaim(TOKEN_TYPE, type)
                .withExpiresAt(now.plus(lifetime))
                .withIssuedAt(now)
                .withJWTId(UUID.randomUUID().toString().replace("-", ""))
                .withClaim(USER_ID, user.toString())
                .sign(algorithm);
    }

    private UserId verify(String token, String expectedType) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            throw AuthenticationFailed.token(Reason.INVALID_TOKEN);
        }
        Verified known = verified == null ? null : verified.getIfPresent(token);
        if (known == null) {
            known = verifyFully(token, expectedType);
            if (verified != null) {
                verified.put(token, known);
            }
            return known.user();
        }
        long nowSecond = time.now().getEpochSecond();
        if (nowSecond >= known.expiresAtSecond()) {
            throw AuthenticationFailed.token(Reason.EXPIRED_TOKEN);
        }
        if (nowSecond < known.notBeforeSecond()) {
            // The library refuses a token before its nbf (a clock stepped back since it passed) as it refuses any
            // claim it finds wrong.
            throw AuthenticationFailed.token(Reason.INVALID_TOKEN);
        }
        if (!known.type().equals(expectedType)) {
            throw AuthenticationFailed.token(Reason.WRONG_TOKEN_TYPE);
        }
        return known.user();
    }

    /** The library's whole check, as before tokens were remembered; what it returns passed every part of it. */
    private Verified verifyFully(String token, String expectedType) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw AuthenticationFailed.token(Reason.EXPIRED_TOKEN);
        } catch (RuntimeException e) {
            // Malformed, wrongly signed, another algorithm, a missing claim: the library's message may quote the token.
            throw AuthenticationFailed.token(Reason.INVALID_TOKEN);
        }
        String type = stringClaim(jwt.getClaim(TOKEN_TYPE));
        if (type == null) {
            throw AuthenticationFailed.token(Reason.INVALID_TOKEN);
        }
        if (!type.equals(expectedType)) {
            throw AuthenticationFailed.token(Reason.WRONG_TOKEN_TYPE);
        }
        try {
            // expectedType, not the claim's own string: one constant held by every remembered token.
            Instant notBefore = jwt.getNotBeforeAsInstant();
            return new Verified(expectedType, UserId.parse(stringClaim(jwt.getClaim(USER_ID))),
                    jwt.getExpiresAtAsInstant().getEpochSecond(),
                    notBefore == null ? Long.MIN_VALUE : notBefore.getEpochSecond());
        } catch (DomainRuleViolation e) {
            throw AuthenticationFailed.token(Reason.INVALID_TOKEN);
        }
    }

    /** The claim's value when it is a JSON string, else {@code null}. */
    private static String stringClaim(Claim claim) {
        return claim == null ? null : claim.asString();
    }

    private static Duration requirePositive(Duration lifetime, String name) {
        Objects.requireNonNull(lifetime, name);
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least one second");
        }
        return lifetime;
    }

    /** How many verified tokens are held now (after pending evictions), for tests. */
    long remembered() {
        if (verified == null) {
            return 0;
        }
        verified.cleanUp();
        return verified.estimatedSize();
    }

    /**
     * A token that passed the full check: its {@code token_type}, {@code user_id}, {@code exp} and {@code nbf} (epoch
     * seconds; {@link Long#MIN_VALUE} without {@code nbf}). A remembered check judges both as java-jwt 4's
     * {@code BaseVerification} does (no leeway, the time truncated to whole seconds): valid while
     * {@code nbf <= now < exp}.
     */
    private record Verified(String type, UserId user, long expiresAtSecond, long notBeforeSecond) {
    }

    @Override
    public String toString() {
        return "JwtTokens[HS256, access=" + accessLifetime + ", refresh=" + refreshLifetime + "]";
    }
}
