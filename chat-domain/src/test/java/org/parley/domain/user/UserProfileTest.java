package org.parley.domain.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;

class UserProfileTest {

    @Test
    void named_profile_has_only_a_name() {
        UserProfile profile = UserProfile.named("Ada Lovelace");

        assertThat(profile).isEqualTo(new UserProfile("Ada Lovelace", null, null, null, null, null));
    }

    @Test
    void strips_the_name() {
        assertThat(UserProfile.named("  Ada  ").fullname()).isEqualTo("Ada");
    }

    @Test
    void keeps_every_optional_field() {
        UserProfile profile = new UserProfile("Ada", "+2348012345678", "NG", "female", LocalDate.of(1990, 1, 2),
                "photos/ada.png");

        assertThat(profile.phoneNumber()).isEqualTo("+2348012345678");
        assertThat(profile.countryCode()).isEqualTo("NG");
        assertThat(profile.gender()).isEqualTo("female");
        assertThat(profile.dateOfBirth()).isEqualTo(LocalDate.of(1990, 1, 2));
        assertThat(profile.profilePhoto()).isEqualTo("photos/ada.png");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "\n"})
    void requires_a_full_name(String fullname) {
        assertThatThrownBy(() -> UserProfile.named(fullname))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.FULLNAME));
    }

    @Test
    void limits_the_name_to_255_characters() {
        assertThat(UserProfile.named("n".repeat(255)).fullname()).hasSize(255);
        assertThatThrownBy(() -> UserProfile.named("n".repeat(256)))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.FULLNAME));
    }

    @Test
    void limits_short_fields_to_32_characters_naming_the_field() {
        String ok = "1".repeat(32);
        String tooLong = "1".repeat(33);
        assertThat(new UserProfile("A", ok, ok, ok, null, null).phoneNumber()).hasSize(32);

        assertThatThrownBy(() -> new UserProfile("A", tooLong, null, null, null, null))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.PHONE_NUMBER));
        assertThatThrownBy(() -> new UserProfile("A", null, tooLong, null, null, null))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.COUNTRY_CODE));
        assertThatThrownBy(() -> new UserProfile("A", null, null, tooLong, null, null))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.GENDER));
    }

    @Test
    void limits_the_photo_path_to_1024_characters() {
        assertThat(new UserProfile("A", null, null, null, null, "p".repeat(1024)).profilePhoto()).hasSize(1024);
        assertThatThrownBy(() -> new UserProfile("A", null, null, null, null, "p".repeat(1025)))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.PROFILE_PHOTO));
    }

    @Test
    void violations_names_every_broken_field_at_once() {
        String tooLong = "1".repeat(33);
        assertThat(UserProfile.violations(" ", tooLong, tooLong, tooLong, "p".repeat(1025)))
                .extracting(DomainRuleViolation::subject)
                .containsExactly(RuleSubject.FULLNAME, RuleSubject.PHONE_NUMBER, RuleSubject.COUNTRY_CODE,
                        RuleSubject.GENDER, RuleSubject.PROFILE_PHOTO);
        assertThat(UserProfile.violations("Ada", "123", "+44", "female", null)).isEmpty();
    }
}
