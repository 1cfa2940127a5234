package org.parley.application.service;

import java.util.Objects;

import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.in.RefreshAccessToken;
import org.parley.application.port.out.Tokens;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

public final class RefreshAccessTokenService implements RefreshAccessToken {

    private final Tokens tokens;
    private final UserAccounts users;

    public RefreshAccessTokenService(Tokens tokens, UserAccounts users) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.users = Objects.requireNonNull(users, "users");
    }

    @Override
    public String refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw AuthenticationFailed.token(AuthenticationFailed.Reason.MISSING_TOKEN);
        }
        UserId id = tokens.verifyRefresh(refreshToken);
        User user = users.findById(id)
                .orElseThrow(() -> AuthenticationFailed.token(AuthenticationFailed.Reason.UNKNOWN_USER));
        if (!user.isActive()) {
            throw AuthenticationFailed.token(AuthenticationFailed.Reason.INACTIVE_USER);
        }
        return tokens.issueAccess(id);
    }
}
