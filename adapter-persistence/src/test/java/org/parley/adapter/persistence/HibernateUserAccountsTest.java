package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.error.Conflict;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/** The Hibernate user store on a real database: what the adapter adds to the port's contract. */
class HibernateUserAccountsTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();
    private static UserAccounts accounts;

    @BeforeAll
    static void start() {
        accounts = DATABASE.get().module().userAccounts();
    }

    @Test
    void anAccountWithEveryFieldComesBackExactlyByIdAndByEmail() {
        Account account = Fixtures.withPassword(Fixtures.fullUser());

        accounts.add(account);

        assertThat(accounts.findById(account.user().id())).contains(account.user());
        assertThat(accounts.findByEmail(account.user().email())).contains(account);
    }

    @Test
    void aBackendManagedAccountHasNoPassword() {
        Account account = Fixtures.backendManaged(Fixtures.minimalUser());

        accounts.add(account);

        assertThat(accounts.findByEmail(account.user().email())).contains(account);
    }

    @Test
    void findingByEmailIgnoresCase() {
        Account account = Fixtures.withPassword(Fixtures.fullUser());
        accounts.add(account);

        EmailAddress shouted = new EmailAddress(account.user().email().value().toUpperCase(java.util.Locale.ROOT));

        assertThat(accounts.findByEmail(shouted)).contains(account);
    }

    @Test
    void anEmailTakenInAnotherCaseIsAConflictOnEmail() {
        Account first = Fixtures.withPassword(Fixtures.fullUser());
        accounts.add(first);
        User sameEmail = User.joined(UserId.random(),
                new EmailAddress(first.user().email().value().toLowerCase(java.util.Locale.ROOT)),
                UserProfile.named("Someone Else"), Fixtures.T0);

        assertThatThrownBy(() -> accounts.add(Fixtures.backendManaged(sameEmail)))
                .isInstanceOfSatisfying(Conflict.class, conflict -> assertThat(conflict.subject()).isEqualTo(RuleSubject.EMAIL));
        assertThat(accounts.findById(sameEmail.id())).isEmpty();
    }

    @Test
    void aTakenIdIsAConflictOnId() {
        User first = Fixtures.minimalUser();
        accounts.add(Fixtures.backendManaged(first));
        User sameId = User.joined(first.id(), new EmailAddress("other." + first.id() + "@example.org"),
                UserProfile.named("Other"), Fixtures.T0);

        assertThatThrownBy(() -> accounts.add(Fixtures.backendManaged(sameId)))
                .isInstanceOfSatisfying(Conflict.class, conflict -> assertThat(conflict.subject()).isEqualTo(RuleSubject.USER_ID));
        assertThat(accounts.findById(first.id())).contains(first);
    }

    @Test
    void concurrentRegistrationsOfOneEmailLetExactlyOneIn() throws Exception {
        EmailAddress contested = new EmailAddress("contested." + UserId.random() + "@example.org");
        List<Callable<Account>> racers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            User user = User.joined(UserId.random(), contested, UserProfile.named("Racer " + i), Fixtures.T0);
            racers.add(() -> {
                accounts.add(Fixtures.withPassword(user));
                return Fixtures.withPassword(user);
            });
        }

        List<Object> outcomes = race(racers);

        assertThat(outcomes).filteredOn(Account.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(Conflict.class::isInstance).hasSize(19)
                .allSatisfy(conflict -> assertThat(((Conflict) conflict).subject()).isEqualTo(RuleSubject.EMAIL));
        assertThat(accounts.findByEmail(contested)).contains(
                (Account) outcomes.stream().filter(Account.class::isInstance).findFirst().orElseThrow());
    }

    @Test
    void concurrentAddsOfOneIdLetExactlyOneIn() throws Exception {
        UserId contested = UserId.random();
        List<Callable<Account>> racers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            User user = User.joined(contested, new EmailAddress("racer." + i + "." + contested + "@example.org"),
                    UserProfile.named("Racer " + i), Fixtures.T0);
            racers.add(() -> {
                accounts.add(Fixtures.backendManaged(user));
                return Fixtures.backendManaged(user);
            });
        }

        List<Object> outcomes = race(racers);

        assertThat(outcomes).filteredOn(Account.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(Conflict.class::isInstance).hasSize(19);
        Account winner = (Account) outcomes.stream().filter(Account.class::isInstance).findFirst().orElseThrow();
        assertThat(accounts.findById(contested)).contains(winner.user());
    }

    /** Runs all at once; each outcome is the returned value or the exception thrown. */
    private static List<Object> race(List<Callable<Account>> racers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(racers.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<Account> racer : racers) {
                futures.add(pool.submit(() -> {
                    go.await();
                    try {
                        return racer.call();
                    } catch (RuntimeException failure) {
                        return failure;
                    }
                }));
            }
            go.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> future : futures) {
                outcomes.add(future.get(30, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void updateReplacesDetailsButKeepsPasswordAndLastLogin() {
        Account account = Fixtures.withPassword(Fixtures.fullUser());
        accounts.add(account);
        User changed = account.user().withDetails(new EmailAddress("renamed." + account.user().id() + "@example.org"),
                UserProfile.named("Renamed"), account.user().status().withActive(false), Fixtures.at(3600));

        accounts.update(changed);

        assertThat(accounts.findById(changed.id())).contains(changed);
        assertThat(accounts.findByEmail(changed.email())).contains(new Account(changed, account.password()));
        assertThat(accounts.findByEmail(account.user().email())).isEmpty();
    }

    @Test
    void updatingToAnotherUsersEmailIsAConflictAndChangesNothing() {
        Account mine = Fixtures.withPassword(Fixtures.fullUser());
        Account theirs = Fixtures.withPassword(Fixtures.fullUser());
        accounts.add(mine);
        accounts.add(theirs);
        User grabbing = mine.user().withDetails(theirs.user().email(), mine.user().profile(), mine.user().status(),
                Fixtures.at(10));

        assertThatThrownBy(() -> accounts.update(grabbing))
                .isInstanceOfSatisfying(Conflict.class, conflict -> assertThat(conflict.subject()).isEqualTo(RuleSubject.EMAIL));
        assertThat(accounts.findById(mine.user().id())).contains(mine.user());
    }

    @Test
    void updatingAnUnknownUserIsAnIllegalState() {
        assertThatThrownBy(() -> accounts.update(Fixtures.minimalUser())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recordingALoginKeepsTheInstantToTheMicrosecond() {
        Account account = Fixtures.withPassword(Fixtures.minimalUser());
        accounts.add(account);
        Instant at = Instant.parse("2026-11-24T22:00:00.000001Z");

        accounts.recordLogin(account.user().id(), at);

        assertThat(accounts.findById(account.user().id())).contains(account.user().loggedInAt(at));
    }

    @Test
    void recordingALoginOfAnUnknownUserChangesNothing() {
        UserId unknown = UserId.random();

        accounts.recordLogin(unknown, Fixtures.T0);

        assertThat(accounts.findById(unknown)).isEmpty();
    }

    @Test
    void findAllByIdReturnsTheExistingUsersOnly() {
        User a = Fixtures.fullUser();
        User b = Fixtures.minimalUser();
        accounts.add(Fixtures.withPassword(a));
        accounts.add(Fixtures.backendManaged(b));
        UserId unknown = UserId.random();

        assertThat(accounts.findAllById(List.of(a.id(), b.id(), unknown, a.id())))
                .containsOnlyKeys(a.id(), b.id())
                .containsEntry(a.id(), a)
                .containsEntry(b.id(), b);
        assertThat(accounts.findAllById(List.of())).isEmpty();
    }
}
