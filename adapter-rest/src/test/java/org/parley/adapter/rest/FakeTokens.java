package org.parley.adapter.rest;

import java.util.UUID;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.out.TokenPair;
import org.parley.application.port.out.Tokens;
import org.parley.domain.user.UserId;

/** Readable stand-in tokens ({@code access.<uuid>}, {@code refresh.<uuid>}) for this module's tests. */
final class FakeTokens implements Tokens {

    @Override
    public TokenPair issue(UserId user) {
        return new TokenPair(issueAccess(user), "refresh." + user);
    }

    @Override
    public String issueAccess(UserId user) {
        return "access." + user;
    }

    @Override
    public UserId verifyAccess(String accessToken) {
        return verify(accessToken, "access.", "refresh.");
    }

    @Override
    public UserId verifyRefresh(String refreshToken) {
        return verify(refreshToken, "refresh.", "access.");
    }

    private static UserId verify(String token, String expected, String other) {
        if (token.startsWith(other)) {
            throw AuthenticationFailed.token(AuthenticationFailed.Reason.WRONG_TOKEN_TYPE);
        }
        if (!token.startsWith(expected)) {
            throw AuthenticationFailed.token(AuthenticationFailed.Reason.INVALID_TOKEN);
        }
        try {
            return new UserId(UUID.fromString(token.substring(expected.length())));
        } catch (IllegalArgumentException e) {
            throw AuthenticationFailed.token(AuthenticationFailed.Reason.INVALID_TOKEN);
        }
    }
}
