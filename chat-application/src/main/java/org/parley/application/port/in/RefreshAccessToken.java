package org.parley.application.port.in;

import org.parley.application.error.AuthenticationFailed;

/** Exchange a refresh token for a new access token. */
public interface RefreshAccessToken {

    /** @throws AuthenticationFailed when the token is invalid, expired, not a refresh token, or its user inactive */
    String refresh(String refreshToken);
}
