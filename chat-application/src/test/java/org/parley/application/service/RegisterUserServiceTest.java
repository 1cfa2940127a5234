package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.application.error.Conflict;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.RegisterUser;
import org.parley.application.port.in.UserDetails;
import org.parley.application.port.out.Account;
import org.parley.application.testing.FakePasswordHasher;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserProfile;
import org.parley.domain.RuleSubject;

class RegisterUserServiceTest {

    private static final String PASSWORD = "correct horse battery";

    private final InMemoryUserAccounts users = new InMemoryUserAccounts();
    private final FakePasswordHasher hasher = new FakePasswordHasher();
    private final ManualTimeSource time = new ManualTimeSource();
    private final RegisterUser service = new RegisterUserService(users, hasher, time);

    @Test
    void registers_an_active_user_with_a_hashed_password() {
        UserDetails details = new UserDetails(" Ada@Example.com ", "  Ada Lovelace ", "+2348012345678", "NG", "female",
                LocalDate.of(1990, 12, 10));

        User user = service.register(new RegisterUser.Command(details, PASSWORD));

        assertThat(user.email()).isEqualTo(new EmailAddress("Ada@Example.com"));
        assertThat(user.profile()).isEqualTo(new UserProfile("Ada Lovelace", "+2348012345678", "NG", "female",
                LocalDate.of(1990, 12, 10), null));
        assertThat(user.status()).isEqualTo(AccountStatus.activeUser());
        assertThat(user.lastLogin()).isNull();
        assertThat(user.createdAt()).isEqualTo(time.now());
        Account stored = users.findByEmail(new EmailAddress("ada@example.com")).orElseThrow();
        assertThat(stored.user()).isEqualTo(user);
        assertThat(stored.password()).hasValueSatisfying(encoded -> {
            assertThat(encoded.value()).doesNotContain(PASSWORD);
            assertThat(hasher.matches(PASSWORD, encoded)).isTrue();
        });
    }

    @Test
    void blank_optional_fields_are_stored_as_absent() {
        User user = service.register(new RegisterUser.Command(
                new UserDetails("bo@example.com", "Bo", " ", "", null, null), PASSWORD));

        assertThat(user.profile()).isEqualTo(UserProfile.named("Bo"));
    }

    @Test
    void reports_every_invalid_field_at_once_and_stores_nothing() {
        UserDetails details = new UserDetails("not-an-email", " ", "1".repeat(33), null, null, null);

        assertThatThrownBy(() -> service.register(new RegisterUser.Command(details, "short")))
                .isInstanceOfSatisfying(ValidationFailed.class, e -> {
                    assertThat(e.problems()).containsOnlyKeys(
                            RuleSubject.EMAIL, RuleSubject.FULLNAME, RuleSubject.PHONE_NUMBER, RuleSubject.PASSWORD);
                    assertThat(e.problems().get(RuleSubject.PASSWORD))
                            .containsExactly("The password must have at least 8 characters");
                });
        assertThat(users.findByEmail(new EmailAddress("not-an-email@example.com"))).isEmpty();
    }

    @Test
    void a_missing_email_is_reported_on_its_field() {
        assertThatThrownBy(() -> service.register(new RegisterUser.Command(
                new UserDetails(null, "Ada", null, null, null, null), PASSWORD)))
                .isInstanceOfSatisfying(ValidationFailed.class,
                        e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.EMAIL));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"1234567", "        "})
    void refuses_weak_passwords(String password) {
        assertThatThrownBy(() -> service.register(new RegisterUser.Command(details("weak@example.com"), password)))
                .isInstanceOfSatisfying(ValidationFailed.class,
                        e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.PASSWORD));
        assertThat(users.findByEmail(new EmailAddress("weak@example.com"))).isEmpty();
    }

    @Test
    void accepts_passwords_from_8_to_128_characters() {
        assertThat(service.register(new RegisterUser.Command(details("eight@example.com"), "12345678"))).isNotNull();
        assertThat(service.register(new RegisterUser.Command(details("long@example.com"), "p".repeat(128)))).isNotNull();
        assertThatThrownBy(() -> service.register(new RegisterUser.Command(details("longer@example.com"), "p".repeat(129))))
                .isInstanceOfSatisfying(ValidationFailed.class,
                        e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.PASSWORD));
    }

    @Test
    void an_email_taken_in_another_case_is_a_conflict() {
        User first = service.register(new RegisterUser.Command(details("Taken@Example.com"), PASSWORD));

        assertThatThrownBy(() -> service.register(new RegisterUser.Command(details("taken@EXAMPLE.com"), PASSWORD)))
                .isInstanceOfSatisfying(Conflict.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.EMAIL));
        assertThat(users.findByEmail(first.email()).orElseThrow().user()).isEqualTo(first);
    }

    @Test
    void the_command_never_prints_the_password() {
        assertThat(new RegisterUser.Command(details("a@example.com"), PASSWORD).toString()).doesNotContain(PASSWORD);
    }

    private static UserDetails details(String email) {
        return new UserDetails(email, "Someone", null, null, null, null);
    }
}
