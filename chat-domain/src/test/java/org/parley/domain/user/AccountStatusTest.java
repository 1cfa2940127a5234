package org.parley.domain.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AccountStatusTest {

    @Test
    void a_fresh_registration_is_an_active_ordinary_user() {
        assertThat(AccountStatus.activeUser())
                .isEqualTo(new AccountStatus("user", true, false, false, false, false, false, false));
    }

    @Test
    void with_active_changes_only_the_active_flag() {
        AccountStatus status = new AccountStatus("vendor", true, true, false, true, false, true, true);

        AccountStatus inactive = status.withActive(false);

        assertThat(inactive).isEqualTo(new AccountStatus("vendor", false, true, false, true, false, true, true));
        assertThat(inactive.withActive(true)).isEqualTo(status);
    }

    @Test
    void requires_an_account_type() {
        assertThatThrownBy(() -> new AccountStatus(null, true, false, false, false, false, false, false))
                .isInstanceOf(NullPointerException.class);
    }
}
