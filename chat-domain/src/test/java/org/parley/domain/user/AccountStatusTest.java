package org.parley.domain.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

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

    @Test
    void with_verified_and_with_account_type_change_only_their_fields() {
        AccountStatus status = new AccountStatus("user", true, false, false, true, false, false, false);

        assertThat(status.withVerified(true, false))
                .isEqualTo(new AccountStatus("user", true, true, false, true, false, false, false));
        assertThat(status.withVerified(false, true).withAccountType("doctor"))
                .isEqualTo(new AccountStatus("doctor", true, false, true, true, false, false, false));
    }

    @Test
    void an_account_type_is_a_short_non_blank_valid_text() {
        assertThat(AccountStatus.accountTypeViolation("x".repeat(64))).isEmpty();
        assertThat(AccountStatus.accountTypeViolation("x".repeat(65))).get().satisfies(violation -> {
            assertThat(violation.subject()).isEqualTo(RuleSubject.ACCOUNT_TYPE);
            assertThat(violation).hasMessage("At most 64 characters");
        });
        assertThat(AccountStatus.accountTypeViolation(" ").orElseThrow()).hasMessage("An account type cannot be blank");
        assertThat(AccountStatus.accountTypeViolation("a\uD800")).get()
                .satisfies(violation -> assertThat(violation.subject()).isEqualTo(RuleSubject.ACCOUNT_TYPE));
        assertThatThrownBy(() -> AccountStatus.activeUser().withAccountType(""))
                .isInstanceOfSatisfying(DomainRuleViolation.class,
                        violation -> assertThat(violation.subject()).isEqualTo(RuleSubject.ACCOUNT_TYPE));
    }
}
