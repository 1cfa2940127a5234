package org.parley.application.testing;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.AuthenticationFailed.Reason;
import org.parley.application.port.out.TokenPair;
import org.parley.application.port.out.Tokens;
import org.parley.domain.user.UserId;

/**
 * {@link Tokens} for tests: opaque random strings remembered with their user and type. Unknown strings are
 * {@link Reason#INVALID_TOKEN}, a token of the other type is {@link Reason#WRONG_TOKEN_TYPE}, and a test can
 * {@link #expire} a token to get {@link Reason#EXPIRED_TOKEN}. Thread-safe.
 */
public final class FakeTokens implements Tokens {

    /** The two kinds of token, as a real implementation tells them apart. */
    public enum Type { ACCESS, REFRESH }

    private record Issued(UserId user, Type type, boolean expired) {
    }

    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    @Override
    public TokenPair issue(UserId user) {
        return new TokenPair(mint(user, Type.ACCESS), mint(user, Type.REFRESH));
    }

    @Override
    public String issueAccess(UserId user) {
        return mint(user, Type.ACCESS);
    }

    @Override
    public UserId verifyAccess(String accessToken) {
        return verify(accessToken, Type.ACCESS);
    }

    @Override
    public UserId verifyRefresh(String refreshToken) {
        return verify(refreshToken, Type.REFRESH);
    }

    /** From now on, verifying {@code token} fails as expired. */
    public void expire(String token) {
        Issued current = issued.get(token);
        if (current == null) {
            throw new IllegalArgumentException("Not a token issued by this FakeTokens");
        }
        issued.put(token, new Issued(current.user(), current.type(), true));
    }

    /** How many tokens have been issued so far. */
    public int issuedCount() {
        return issued.size();
    }

    private String mint(UserId user, Type type) {
        Objects.requireNonNull(user, "user");
        String token = type.name().toLowerCase() + "." + UUID.randomUUID();
        issued.put(token, new Issued(user, type, false));
        return token;
    }

    private UserId verify(String token, Type expected) {
        Issued found = token == null ? null : issued.get(token);
        if (found == null) {
            throw AuthenticationFailed.token(Reason.INVALID_TOKEN);
        }
        if (found.expired()) {
            throw AuthenticationFailed.token(Reason.EXPIRED_TOKEN);
        }
        if (found.type() != expected) {
            throw AuthenticationFailed.token(Reason.WRONG_TOKEN_TYPE);
        }
        return found.user();
    }
}
