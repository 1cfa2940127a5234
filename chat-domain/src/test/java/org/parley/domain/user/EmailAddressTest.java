package org.parley.domain.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

class EmailAddressTest {

    @Test
    void keeps_the_address_as_typed_but_stripped() {
        EmailAddress email = new EmailAddress("  Ada.Lovelace@Example.COM \n");

        assertThat(email.value()).isEqualTo("Ada.Lovelace@Example.COM");
        assertThat(email).hasToString("Ada.Lovelace@Example.COM");
    }

    @Test
    void normalizes_to_lower_case_whatever_the_locale() {
        assertThat(new EmailAddress("IRIS@EXAMPLE.COM").normalized()).isEqualTo("iris@example.com");
        assertThat(new EmailAddress("Ada@Example.com").normalized())
                .isEqualTo(new EmailAddress("ada@example.COM").normalized());
    }

    @Test
    void addresses_differing_in_case_are_different_values_with_one_normal_form() {
        EmailAddress upper = new EmailAddress("A@B.CO");
        EmailAddress lower = new EmailAddress("a@b.co");

        assertThat(upper).isNotEqualTo(lower);
        assertThat(upper.normalized()).isEqualTo(lower.normalized());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void is_required(String value) {
        assertThatThrownBy(() -> new EmailAddress(value))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> {
                    assertThat(e.subject()).isEqualTo(RuleSubject.EMAIL);
                    assertThat(e).hasMessage("An e-mail address is required");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "no-at.example.com", "two@@example.com", "a@b@c.com", "a@nodot",
            "spa ce@example.com", "a@example.", "@example.com"})
    void refuses_malformed_addresses(String value) {
        assertThatThrownBy(() -> new EmailAddress(value))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> {
                    assertThat(e.subject()).isEqualTo(RuleSubject.EMAIL);
                    assertThat(e).hasMessage("Enter a valid e-mail address");
                });
    }

    @Test
    void accepts_254_characters_and_refuses_255() {
        String domain = "@example.com";
        String longest = "a".repeat(EmailAddress.MAX_LENGTH - domain.length()) + domain;

        assertThat(new EmailAddress(longest).value()).hasSize(254);
        assertThatThrownBy(() -> new EmailAddress("a" + longest)).isInstanceOf(DomainRuleViolation.class);
    }

    /**
     * Found by EntrancePropertiesTest: U+0130 (İ) is two characters in lower case, so an address of 254 characters
     * could have a normalized form of up to 496, which the store refused with a 500.
     */
    @Test
    void refuses_an_address_whose_lower_case_is_longer_than_254() {
        String domain = "@example.com";
        String fits = "\u0130" + "a".repeat(240) + domain;
        String oneTooMany = "\u0130" + "a".repeat(241) + domain;

        assertThat(fits).hasSize(253);
        assertThat(new EmailAddress(fits).normalized()).hasSize(254);
        assertThat(oneTooMany).hasSize(254);
        for (String address : new String[] {oneTooMany, "\u0130".repeat(242) + domain}) {
            assertThatThrownBy(() -> new EmailAddress(address))
                    .isInstanceOfSatisfying(DomainRuleViolation.class, e -> {
                        assertThat(e.subject()).isEqualTo(RuleSubject.EMAIL);
                        assertThat(e).hasMessage("Enter a valid e-mail address");
                    });
        }
    }
}
