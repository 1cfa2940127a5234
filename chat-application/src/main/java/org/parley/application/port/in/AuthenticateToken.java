package org.parley.application.port.in;

import org.parley.application.error.AuthenticationFailed;
import org.parley.domain.user.User;

/** Find the active user an access token speaks for. */
public interface AuthenticateToken {

    /**
     * @throws AuthenticationFailed when the token is missing, malformed, wrongly signed, expired or a refresh token,
     *                               or its user is unknown or inactive
     */
    User authenticate(String accessToken);
}
