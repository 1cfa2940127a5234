package org.parley.application.port.out;

import org.parley.application.error.AuthenticationFailed;
import org.parley.domain.user.UserId;

/**
 * Issues and verifies bearer tokens. Access and refresh tokens are never interchangeable: verifying one as the other
 * fails with {@link AuthenticationFailed.Reason#WRONG_TOKEN_TYPE}.
 */
public interface Tokens {

    /** A new access token and refresh token for the user. */
    TokenPair issue(UserId user);

    /** A new access token for the user (after their refresh token was verified). */
    String issueAccess(UserId user);

    /** @throws AuthenticationFailed when the token is malformed, wrongly signed, expired or not an access token */
    UserId verifyAccess(String accessToken);

    /** @throws AuthenticationFailed when the token is malformed, wrongly signed, expired or not a refresh token */
    UserId verifyRefresh(String refreshToken);
}
