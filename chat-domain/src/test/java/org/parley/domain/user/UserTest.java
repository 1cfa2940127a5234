package org.parley.domain.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class UserTest {

    private static final Instant T0 = Instant.parse("2025-03-14T10:07:31.270646Z");
    private static final EmailAddress EMAIL = new EmailAddress("ada@example.com");
    private static final UserProfile PROFILE = UserProfile.named("Ada");

    @Test
    void a_joined_user_is_active_and_has_never_logged_in() {
        UserId id = UserId.random();

        User user = User.joined(id, EMAIL, PROFILE, T0);

        assertThat(user.id()).isEqualTo(id);
        assertThat(user.isActive()).isTrue();
        assertThat(user.status()).isEqualTo(AccountStatus.activeUser());
        assertThat(user.lastLogin()).isNull();
        assertThat(user.createdAt()).isEqualTo(T0);
        assertThat(user.updatedAt()).isEqualTo(T0);
    }

    @Test
    void requires_every_field_but_last_login() {
        UserId id = UserId.random();
        AccountStatus status = AccountStatus.activeUser();

        assertThatThrownBy(() -> new User(null, EMAIL, PROFILE, status, null, T0, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new User(id, null, PROFILE, status, null, T0, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new User(id, EMAIL, null, status, null, T0, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new User(id, EMAIL, PROFILE, null, null, T0, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new User(id, EMAIL, PROFILE, status, null, null, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new User(id, EMAIL, PROFILE, status, null, T0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void cannot_be_updated_before_it_was_created() {
        assertThatThrownBy(() -> new User(UserId.random(), EMAIL, PROFILE, AccountStatus.activeUser(), null,
                T0, T0.minusNanos(1000))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void with_details_replaces_email_profile_status_and_update_time_only() {
        User user = User.joined(UserId.random(), EMAIL, PROFILE, T0).loggedInAt(T0.plusSeconds(5));
        EmailAddress email = new EmailAddress("grace@example.com");
        UserProfile profile = UserProfile.named("Grace");
        AccountStatus inactive = AccountStatus.activeUser().withActive(false);

        User changed = user.withDetails(email, profile, inactive, T0.plusSeconds(60));

        assertThat(changed).isEqualTo(new User(user.id(), email, profile, inactive, T0.plusSeconds(5), T0,
                T0.plusSeconds(60)));
        assertThat(changed.isActive()).isFalse();
    }

    @Test
    void with_details_never_moves_the_update_time_before_creation() {
        User user = User.joined(UserId.random(), EMAIL, PROFILE, T0);

        User changed = user.withDetails(EMAIL, PROFILE, user.status(), T0.minusSeconds(3600));

        assertThat(changed.updatedAt()).isEqualTo(T0);
    }

    @Test
    void logged_in_at_sets_last_login_only() {
        User user = User.joined(UserId.random(), EMAIL, PROFILE, T0);

        User loggedIn = user.loggedInAt(T0.plusSeconds(9));

        assertThat(loggedIn).isEqualTo(new User(user.id(), EMAIL, PROFILE, user.status(), T0.plusSeconds(9), T0, T0));
    }
}
