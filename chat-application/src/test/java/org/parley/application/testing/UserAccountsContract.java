package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.error.Conflict;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;
import org.parley.domain.RuleSubject;

/**
 * What every {@link UserAccounts} must do. Extend it and implement {@link #newStorage()}. The tests never assume an
 * empty store: each creates its own users with random ids and e-mail addresses.
 */
public abstract class UserAccountsContract {

    protected UserAccounts users;

    /** The storage under test; called before each test. It may be shared with earlier tests. */
    protected abstract ChatStorage newStorage();

    @BeforeEach
    public void setUpStorage() {
        users = newStorage().users();
    }

    @Test
    public void a_complete_account_reads_back_equal_in_every_field() {
        User user = ChatFixtures.completeUser();
        EncodedPassword password = new EncodedPassword("pbkdf2_sha256$870000$abcdefghijklmnopqrstuv$aGFzaA==");

        users.add(new Account(user, Optional.of(password)));

        assertThat(users.findById(user.id())).contains(user);
        Account account = users.findByEmail(user.email()).orElseThrow();
        assertThat(account.user()).isEqualTo(user);
        assertThat(account.password()).contains(password);
    }

    @Test
    public void a_minimal_passwordless_account_reads_back_with_its_empty_fields() {
        User user = ChatFixtures.minimalUser();

        users.add(new Account(user, Optional.empty()));

        Account account = users.findByEmail(user.email()).orElseThrow();
        assertThat(account.user()).isEqualTo(user);
        assertThat(account.user().lastLogin()).isNull();
        assertThat(account.user().profile().phoneNumber()).isNull();
        assertThat(account.user().profile().dateOfBirth()).isNull();
        assertThat(account.password()).isEmpty();
    }

    @Test
    public void unknown_users_are_not_found() {
        assertThat(users.findById(UserId.random())).isEmpty();
        assertThat(users.findByEmail(ChatFixtures.uniqueEmail())).isEmpty();
    }

    @Test
    public void finds_by_email_ignoring_case_and_keeps_the_address_as_given() {
        User user = ChatFixtures.minimalUser();
        users.add(new Account(user, Optional.empty()));

        Account upper = users.findByEmail(new EmailAddress(user.email().value().toUpperCase())).orElseThrow();
        Account lower = users.findByEmail(new EmailAddress(user.email().value().toLowerCase())).orElseThrow();

        assertThat(upper.user().id()).isEqualTo(user.id());
        assertThat(lower.user().id()).isEqualTo(user.id());
        assertThat(upper.user().email().value()).isEqualTo(user.email().value());
    }

    @Test
    public void an_email_differing_only_in_case_is_taken() {
        User first = ChatFixtures.addUser(users);
        User second = ChatFixtures.minimalUser();
        User clash = new User(second.id(), new EmailAddress(first.email().value().toLowerCase()), second.profile(),
                second.status(), null, second.createdAt(), second.updatedAt());

        assertThatThrownBy(() -> users.add(new Account(clash, Optional.empty())))
                .isInstanceOfSatisfying(Conflict.class, conflict -> assertThat(conflict.subject()).isEqualTo(RuleSubject.EMAIL));
        assertThat(users.findById(clash.id())).isEmpty();
        assertThat(users.findByEmail(first.email()).orElseThrow().user()).isEqualTo(first);
    }

    @Test
    public void a_duplicate_id_is_a_conflict_and_keeps_the_first_account() {
        User first = ChatFixtures.addUser(users);
        User sameId = new User(first.id(), ChatFixtures.uniqueEmail(), UserProfile.named("Someone Else"),
                AccountStatus.activeUser(), null, ChatFixtures.T0, ChatFixtures.T0);

        assertThatThrownBy(() -> users.add(new Account(sameId, Optional.empty()))).isInstanceOf(Conflict.class);
        assertThat(users.findById(first.id())).contains(first);
        assertThat(users.findByEmail(sameId.email())).isEmpty();
    }

    @Test
    public void update_replaces_email_profile_and_status_and_keeps_the_password() {
        User user = ChatFixtures.completeUser();
        EncodedPassword password = new EncodedPassword("pbkdf2_sha256$1000$salt$kept");
        users.add(new Account(user, Optional.of(password)));
        EmailAddress newEmail = ChatFixtures.uniqueEmail();
        UserProfile newProfile = new UserProfile("Renamed Person", null, "GH", null, LocalDate.of(2001, 1, 2), null);
        User updated = user.withDetails(newEmail, newProfile, user.status().withActive(false),
                ChatFixtures.T0.plus(1, ChronoUnit.DAYS));

        users.update(updated);

        assertThat(users.findById(user.id())).contains(updated);
        Account account = users.findByEmail(newEmail).orElseThrow();
        assertThat(account.user()).isEqualTo(updated);
        assertThat(account.password()).contains(password);
        assertThat(users.findByEmail(user.email())).isEmpty();
    }

    @Test
    public void update_with_a_password_sets_it_with_the_rest_and_keeps_the_last_login() {
        User user = ChatFixtures.addUser(users);
        Instant loggedIn = ChatFixtures.T0.plus(2, ChronoUnit.DAYS);
        users.recordLogin(user.id(), loggedIn);
        EncodedPassword imported = new EncodedPassword(
                "pbkdf2_sha256$870000$odJsycXTQvPMavecYznziC$ClTC71hFKe3twI8mKycYqhNwW5iXd6gVZXWrW+y88wQ=");
        User updated = user.withDetails(user.email(),
                new UserProfile("Moved Over", null, null, null, LocalDate.of(1990, 5, 17), "https://cdn.example/a.png"),
                user.status().withVerified(true, true).withAccountType("doctor"),
                ChatFixtures.T0.plus(3, ChronoUnit.DAYS));

        users.update(updated, imported);

        Account account = users.findByEmail(user.email()).orElseThrow();
        assertThat(account.password()).contains(imported);
        assertThat(account.user()).isEqualTo(updated.loggedInAt(loggedIn));
        assertThat(users.findById(user.id())).contains(updated.loggedInAt(loggedIn));

        EncodedPassword replaced = new EncodedPassword("pbkdf2_sha256$1000$salt$replaced");
        users.update(updated, replaced);
        assertThat(users.findByEmail(user.email()).orElseThrow().password()).contains(replaced);
        users.update(updated);
        assertThat(users.findByEmail(user.email()).orElseThrow().password())
                .as("an update without a password keeps the one set before").contains(replaced);
    }

    @Test
    public void update_with_a_password_to_another_users_email_changes_nothing() {
        User taken = ChatFixtures.addUser(users);
        User user = ChatFixtures.addUser(users);
        Optional<EncodedPassword> before = users.findByEmail(user.email()).orElseThrow().password();
        User moved = user.withDetails(taken.email(), user.profile(), user.status(), ChatFixtures.T0.plus(1, ChronoUnit.DAYS));

        assertThatThrownBy(() -> users.update(moved, new EncodedPassword("pbkdf2_sha256$1000$salt$new")))
                .isInstanceOfSatisfying(Conflict.class, conflict -> assertThat(conflict.subject()).isEqualTo(RuleSubject.EMAIL));
        Account account = users.findByEmail(user.email()).orElseThrow();
        assertThat(account.user()).isEqualTo(user);
        assertThat(account.password()).isEqualTo(before).isPresent();
        assertThatThrownBy(() -> users.update(ChatFixtures.minimalUser(), new EncodedPassword("x")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    public void update_keeps_the_creation_time_and_the_last_login() {
        User user = ChatFixtures.addUser(users);
        Instant loggedIn = ChatFixtures.T0.plus(2, ChronoUnit.DAYS);
        users.recordLogin(user.id(), loggedIn);
        User notLoggedIn = new User(user.id(), user.email(), UserProfile.named("Renamed"), user.status(), null,
                user.createdAt().minus(1, ChronoUnit.DAYS), ChatFixtures.T0.plus(3, ChronoUnit.DAYS));

        users.update(notLoggedIn);

        assertThat(users.findById(user.id())).contains(new User(user.id(), user.email(), UserProfile.named("Renamed"),
                user.status(), loggedIn, user.createdAt(), notLoggedIn.updatedAt()));
    }

    @Test
    public void update_may_change_only_the_case_of_the_own_email() {
        User user = ChatFixtures.addUser(users);
        User recased = user.withDetails(new EmailAddress(user.email().value().toUpperCase()), user.profile(),
                user.status(), ChatFixtures.T0.plusSeconds(5));

        users.update(recased);

        assertThat(users.findById(user.id())).contains(recased);
    }

    @Test
    public void update_to_another_users_email_is_a_conflict_and_changes_nothing() {
        User taken = ChatFixtures.addUser(users);
        User user = ChatFixtures.addUser(users);
        User clash = user.withDetails(new EmailAddress(taken.email().value().toUpperCase()), user.profile(),
                user.status(), ChatFixtures.T0.plusSeconds(5));

        assertThatThrownBy(() -> users.update(clash))
                .isInstanceOfSatisfying(Conflict.class, conflict -> assertThat(conflict.subject()).isEqualTo(RuleSubject.EMAIL));
        assertThat(users.findById(user.id())).contains(user);
        assertThat(users.findByEmail(taken.email()).orElseThrow().user()).isEqualTo(taken);
    }

    @Test
    public void updating_an_unknown_user_is_an_illegal_state() {
        User stranger = ChatFixtures.minimalUser();

        assertThatThrownBy(() -> users.update(stranger)).isInstanceOf(IllegalStateException.class);
        assertThat(users.findById(stranger.id())).isEmpty();
    }

    @Test
    public void record_login_sets_last_login_only() {
        User user = ChatFixtures.completeUser();
        EncodedPassword password = new EncodedPassword("pbkdf2_sha256$1000$salt$login");
        users.add(new Account(user, Optional.of(password)));
        Instant at = ChatFixtures.T0.plus(7, ChronoUnit.DAYS).plusNanos(654_321_000);

        users.recordLogin(user.id(), at);

        assertThat(users.findById(user.id())).contains(user.loggedInAt(at));
        assertThat(users.findByEmail(user.email()).orElseThrow().password()).contains(password);
    }

    @Test
    public void find_all_by_id_returns_the_existing_users_only() {
        User first = ChatFixtures.addUser(users);
        User second = ChatFixtures.addUser(users);
        UserId missing = UserId.random();

        Map<UserId, User> found = users.findAllById(List.of(first.id(), missing, second.id()));

        assertThat(found).containsOnly(Map.entry(first.id(), first), Map.entry(second.id(), second));
        assertThat(users.findAllById(List.of())).isEmpty();
        assertThat(users.findAllById(List.of(missing))).isEmpty();
    }
}
