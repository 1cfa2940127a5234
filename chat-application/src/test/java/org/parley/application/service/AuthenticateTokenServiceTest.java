package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.AuthenticationFailed.Reason;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.TokenPair;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.FakeTokens;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

class AuthenticateTokenServiceTest {

    private final InMemoryUserAccounts users = new InMemoryUserAccounts();
    private final FakeTokens tokens = new FakeTokens();
    private final AuthenticateToken service = new AuthenticateTokenService(tokens, users);
    private final User user = ChatFixtures.addUser(users);

    @Test
    void an_access_token_of_an_active_user_authenticates_that_user() {
        assertThat(service.authenticate(tokens.issue(user.id()).access())).isEqualTo(user);
    }

    @Test
    void users_without_a_password_are_authenticated_by_token_too() {
        User backendUser = ChatFixtures.minimalUser();
        users.add(new Account(backendUser, Optional.empty()));

        assertThat(service.authenticate(tokens.issueAccess(backendUser.id()))).isEqualTo(backendUser);
    }

    @Test
    void a_missing_token_is_refused() {
        assertFails(() -> service.authenticate(null), Reason.MISSING_TOKEN);
        assertFails(() -> service.authenticate(""), Reason.MISSING_TOKEN);
        assertFails(() -> service.authenticate("  "), Reason.MISSING_TOKEN);
    }

    @Test
    void an_invalid_token_is_refused() {
        assertFails(() -> service.authenticate("garbage"), Reason.INVALID_TOKEN);
    }

    @Test
    void a_refresh_token_is_not_an_access_token() {
        TokenPair pair = tokens.issue(user.id());

        assertFails(() -> service.authenticate(pair.refresh()), Reason.WRONG_TOKEN_TYPE);
    }

    @Test
    void an_expired_token_is_refused() {
        String access = tokens.issueAccess(user.id());
        tokens.expire(access);

        assertFails(() -> service.authenticate(access), Reason.EXPIRED_TOKEN);
    }

    @Test
    void a_token_of_an_unknown_user_is_refused() {
        assertFails(() -> service.authenticate(tokens.issueAccess(UserId.random())), Reason.UNKNOWN_USER);
    }

    @Test
    void a_token_of_an_inactive_user_is_refused() {
        String access = tokens.issueAccess(user.id());
        users.update(user.withDetails(user.email(), user.profile(), user.status().withActive(false), user.updatedAt()));

        assertFails(() -> service.authenticate(access), Reason.INACTIVE_USER);
    }

    static void assertFails(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthenticationFailed.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e).hasMessage("Given token not valid for any token type");
        });
    }
}
