package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.application.service.AuthenticateTokenServiceTest.assertFails;

import org.junit.jupiter.api.Test;
import org.parley.application.error.AuthenticationFailed.Reason;
import org.parley.application.port.in.RefreshAccessToken;
import org.parley.application.port.out.TokenPair;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.FakeTokens;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

class RefreshAccessTokenServiceTest {

    private final InMemoryUserAccounts users = new InMemoryUserAccounts();
    private final FakeTokens tokens = new FakeTokens();
    private final RefreshAccessToken service = new RefreshAccessTokenService(tokens, users);
    private final User user = ChatFixtures.addUser(users);

    @Test
    void a_refresh_token_gives_a_new_access_token_for_its_user() {
        TokenPair pair = tokens.issue(user.id());

        String access = service.refresh(pair.refresh());

        assertThat(access).isNotEqualTo(pair.access());
        assertThat(tokens.verifyAccess(access)).isEqualTo(user.id());
    }

    @Test
    void an_access_token_is_not_a_refresh_token() {
        TokenPair pair = tokens.issue(user.id());

        assertFails(() -> service.refresh(pair.access()), Reason.WRONG_TOKEN_TYPE);
    }

    @Test
    void missing_invalid_and_expired_tokens_are_refused() {
        TokenPair pair = tokens.issue(user.id());
        tokens.expire(pair.refresh());

        assertFails(() -> service.refresh(null), Reason.MISSING_TOKEN);
        assertFails(() -> service.refresh(" "), Reason.MISSING_TOKEN);
        assertFails(() -> service.refresh("garbage"), Reason.INVALID_TOKEN);
        assertFails(() -> service.refresh(pair.refresh()), Reason.EXPIRED_TOKEN);
    }

    @Test
    void unknown_and_inactive_users_get_no_new_token() {
        String stranger = tokens.issue(UserId.random()).refresh();
        String mine = tokens.issue(user.id()).refresh();
        users.update(user.withDetails(user.email(), user.profile(), user.status().withActive(false), user.updatedAt()));
        int issued = tokens.issuedCount();

        assertFails(() -> service.refresh(stranger), Reason.UNKNOWN_USER);
        assertFails(() -> service.refresh(mine), Reason.INACTIVE_USER);
        assertThat(tokens.issuedCount()).isEqualTo(issued);
    }
}
