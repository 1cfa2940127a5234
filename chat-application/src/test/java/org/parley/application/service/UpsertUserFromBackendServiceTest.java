package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.error.Conflict;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.UpsertUserFromBackend;
import org.parley.application.port.in.UserDetails;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.FakePasswordHasher;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.RecordingUserChanges;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;
import org.parley.domain.RuleSubject;

class UpsertUserFromBackendServiceTest {

    private final InMemoryUserAccounts users = new InMemoryUserAccounts();
    private final ManualTimeSource time = new ManualTimeSource();
    private final RecordingUserChanges changes = new RecordingUserChanges();
    private final FakePasswordHasher hasher = new FakePasswordHasher();
    private final UpsertUserFromBackend service = new UpsertUserFromBackendService(users, changes, time, hasher);
    private final UserId id = UserId.random();

    @Test
    void creates_an_unknown_user_active_and_without_password() {
        UserDetails details = new UserDetails("Kofi@Example.com", "Kofi Annan", "+233200000000", "GH", "male",
                LocalDate.of(1938, 4, 8));

        UpsertUserFromBackend.Result result = service.upsert(new UpsertUserFromBackend.Command(id, details, null));

        assertThat(result.created()).isTrue();
        User user = result.user();
        assertThat(user.id()).isEqualTo(id);
        assertThat(user.email()).isEqualTo(new EmailAddress("Kofi@Example.com"));
        assertThat(user.profile()).isEqualTo(new UserProfile("Kofi Annan", "+233200000000", "GH", "male",
                LocalDate.of(1938, 4, 8), null));
        assertThat(user.status()).isEqualTo(AccountStatus.activeUser());
        assertThat(user.createdAt()).isEqualTo(time.now());
        Account stored = users.findByEmail(new EmailAddress("kofi@example.com")).orElseThrow();
        assertThat(stored.user()).isEqualTo(user);
        assertThat(stored.password()).isEmpty();
    }

    @Test
    void creates_an_inactive_user_when_asked() {
        UpsertUserFromBackend.Result result = service.upsert(new UpsertUserFromBackend.Command(id, details("x@example.com"), false));

        assertThat(result.created()).isTrue();
        assertThat(result.user().isActive()).isFalse();
        assertThat(users.findById(id).orElseThrow().isActive()).isFalse();
    }

    @Test
    void updates_a_known_user_keeping_its_creation_time() {
        Instant createdAt = time.now();
        service.upsert(new UpsertUserFromBackend.Command(id, details("old@example.com"), null));
        Instant later = time.advance(Duration.ofDays(3));
        UserDetails changed = new UserDetails("new@example.com", "New Name", null, "KE", null, null);

        UpsertUserFromBackend.Result result = service.upsert(new UpsertUserFromBackend.Command(id, changed, null));

        assertThat(result.created()).isFalse();
        User user = result.user();
        assertThat(user.email()).isEqualTo(new EmailAddress("new@example.com"));
        assertThat(user.profile()).isEqualTo(new UserProfile("New Name", null, "KE", null, null, null));
        assertThat(user.createdAt()).isEqualTo(createdAt);
        assertThat(user.updatedAt()).isEqualTo(later);
        assertThat(user.isActive()).isTrue();
        assertThat(users.findById(id)).contains(user);
        assertThat(users.findByEmail(new EmailAddress("old@example.com"))).isEmpty();
        assertThat(users.findByEmail(user.email()).orElseThrow().password()).isEmpty();
    }

    @Test
    void the_active_flag_deactivates_and_reactivates_and_null_keeps_it() {
        service.upsert(new UpsertUserFromBackend.Command(id, details("flag@example.com"), null));

        assertThat(service.upsert(new UpsertUserFromBackend.Command(id, details("flag@example.com"), false)).user().isActive()).isFalse();
        assertThat(service.upsert(new UpsertUserFromBackend.Command(id, details("flag@example.com"), null)).user().isActive()).isFalse();
        assertThat(service.upsert(new UpsertUserFromBackend.Command(id, details("flag@example.com"), true)).user().isActive()).isTrue();
        assertThat(users.findById(id).orElseThrow().isActive()).isTrue();
        assertThat(changes.changed()).as("every update is announced, once stored").containsExactly(id, id, id);
    }

    @Test
    void a_creation_announces_nothing_since_no_node_can_hold_a_user_that_did_not_exist() {
        service.upsert(new UpsertUserFromBackend.Command(id, details("new@example.com"), false));

        assertThat(changes.changed()).isEmpty();
    }

    @Test
    void updating_a_registered_user_keeps_their_password_and_last_login() {
        User registered = ChatFixtures.minimalUser();
        EncodedPassword password = new EncodedPassword("pbkdf2_sha256$1000$salt$hash");
        users.add(new Account(registered, Optional.of(password)));
        users.recordLogin(registered.id(), ChatFixtures.T0.plusSeconds(30));

        UpsertUserFromBackend.Result result = service.upsert(
                new UpsertUserFromBackend.Command(registered.id(), details(registered.email().value()), null));

        assertThat(result.created()).isFalse();
        assertThat(result.user().lastLogin()).isEqualTo(ChatFixtures.T0.plusSeconds(30));
        assertThat(users.findByEmail(registered.email()).orElseThrow().password()).contains(password);
    }

    @Test
    void creating_with_another_users_email_is_a_conflict_and_creates_nothing() {
        User other = ChatFixtures.addUser(users);

        assertThatThrownBy(() -> service.upsert(new UpsertUserFromBackend.Command(id,
                details(other.email().value().toUpperCase()), null)))
                .isInstanceOfSatisfying(Conflict.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.EMAIL));
        assertThat(users.findById(id)).isEmpty();
        assertThat(users.findById(other.id())).contains(other);
    }

    @Test
    void updating_to_another_users_email_is_a_conflict_and_changes_nothing() {
        User other = ChatFixtures.addUser(users);
        User mine = service.upsert(new UpsertUserFromBackend.Command(id, details("mine@example.com"), null)).user();

        assertThatThrownBy(() -> service.upsert(new UpsertUserFromBackend.Command(id, details(other.email().value()), null)))
                .isInstanceOf(Conflict.class);
        assertThat(users.findById(id)).contains(mine);
        assertThat(changes.changed()).as("nothing was changed, nothing announced").isEmpty();
    }

    @Test
    void invalid_details_are_reported_per_field() {
        assertThatThrownBy(() -> service.upsert(new UpsertUserFromBackend.Command(id,
                new UserDetails("nope", null, null, null, null, null), null)))
                .isInstanceOfSatisfying(ValidationFailed.class,
                        e -> assertThat(e.problems()).containsOnlyKeys(RuleSubject.EMAIL, RuleSubject.FULLNAME));
        assertThat(users.findById(id)).isEmpty();
    }

    @Test
    void a_user_moved_over_with_a_password_hash_keeps_it_as_it_is_and_logs_in_with_that_password() {
        EncodedPassword hash = hasher.hash("the old password");
        UserDetails details = new UserDetails("moved@example.com", "Moved Over", null, null, null,
                LocalDate.of(2025, 3, 6), "https://cdn.example/photos/moved.png");

        User user = service.upsert(new UpsertUserFromBackend.Command(id, details, null, hash.value(), true, false,
                "doctor")).user();

        Account stored = users.findByEmail(new EmailAddress("moved@example.com")).orElseThrow();
        assertThat(stored.password()).contains(hash);
        assertThat(hasher.matches("the old password", stored.password().orElseThrow())).isTrue();
        assertThat(user.profile().profilePhoto()).isEqualTo("https://cdn.example/photos/moved.png");
        assertThat(user.profile().dateOfBirth()).isEqualTo(LocalDate.of(2025, 3, 6));
        assertThat(user.status()).isEqualTo(AccountStatus.activeUser().withVerified(true, false).withAccountType("doctor"));
        assertThat(stored.user()).isEqualTo(user);
    }

    @Test
    void an_update_with_a_hash_replaces_the_password_and_one_without_keeps_it() {
        service.upsert(new UpsertUserFromBackend.Command(id, details("hash@example.com"), null));
        EncodedPassword first = hasher.hash("first");
        EncodedPassword second = hasher.hash("second");

        service.upsert(new UpsertUserFromBackend.Command(id, details("hash@example.com"), null, first.value(), null,
                null, null));
        assertThat(users.findByEmail(new EmailAddress("hash@example.com")).orElseThrow().password()).contains(first);
        service.upsert(new UpsertUserFromBackend.Command(id, details("hash@example.com"), null, second.value(), null,
                null, null));
        service.upsert(new UpsertUserFromBackend.Command(id, details("hash@example.com"), false));

        Account stored = users.findByEmail(new EmailAddress("hash@example.com")).orElseThrow();
        assertThat(stored.password()).contains(second);
        assertThat(stored.user().isActive()).isFalse();
        assertThat(changes.changed()).as("each update announced once stored").containsExactly(id, id, id);
    }

    @Test
    void the_verification_flags_and_the_account_type_are_kept_when_not_given() {
        service.upsert(new UpsertUserFromBackend.Command(id, details("flags@example.com"), null, null, true, true,
                " vendor "));

        User user = service.upsert(new UpsertUserFromBackend.Command(id, details("flags@example.com"), null, null,
                null, false, null)).user();

        assertThat(user.status()).isEqualTo(new AccountStatus("vendor", true, true, false, false, false, false, false));
    }

    @Test
    void a_hash_the_hasher_cannot_check_is_refused_on_the_password_with_every_other_problem_and_stores_nothing() {
        assertThatThrownBy(() -> service.upsert(new UpsertUserFromBackend.Command(id,
                new UserDetails("nope", "Name", null, null, null, null, "x".repeat(1025)), null,
                "a plaintext password", null, null, "")))
                .isInstanceOfSatisfying(ValidationFailed.class, e -> {
                    assertThat(e.problems()).containsOnlyKeys(RuleSubject.EMAIL, RuleSubject.PROFILE_PHOTO,
                            RuleSubject.ACCOUNT_TYPE, RuleSubject.PASSWORD);
                    assertThat(e.problems().get(RuleSubject.PASSWORD)).containsExactly("Not a fake$<salt>$<digest> hash");
                });
        assertThat(users.findById(id)).isEmpty();

        service.upsert(new UpsertUserFromBackend.Command(id, details("kept@example.com"), null));
        assertThatThrownBy(() -> service.upsert(new UpsertUserFromBackend.Command(id, details("kept@example.com"),
                null, "bcrypt$$2b$12$abc", null, null, null))).isInstanceOf(ValidationFailed.class);
        assertThat(users.findByEmail(new EmailAddress("kept@example.com")).orElseThrow().password()).isEmpty();
        assertThat(changes.changed()).isEmpty();
    }

    private static UserDetails details(String email) {
        return new UserDetails(email, "Backend User", null, null, null, null);
    }
}
