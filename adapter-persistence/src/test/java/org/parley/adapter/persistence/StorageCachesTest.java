package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.hibernate.cfg.AvailableSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * The user and thread caches on a real database (H2, and PostgreSQL in that run), counting the SQL statements prepared
 * on the storage's connections (Hibernate's and the repositories' own JDBC): repeated look-ups cost none, writes through this storage are held at once (their look-ups cost none), and what a second storage on the
 * same database (another server) changes is seen here: a new thread at once, a changed user within the lifetime.
 */
class StorageCachesTest {

    /** Long enough that no entry expires during a test, however slow the machine. */
    private static final CacheSettings CACHES = new CacheSettings(Duration.ofMinutes(10), 1_000);
    /** Every statement prepared on the storage's connections, the repositories' own JDBC included. */
    private static final RecordingConnections CONNECTIONS = new RecordingConnections();

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CACHES,
            Map.of(AvailableSettings.CONNECTION_PROVIDER, CONNECTIONS));
    private static UserAccounts users;
    private static ThreadRepository threads;

    @BeforeAll
    static void start() {
        users = DATABASE.get().module().userAccounts();
        threads = DATABASE.get().module().threads();
    }

    @Test
    void theStorageServesTheCachingPortsUnlessCachesAreOff() {
        assertThat(users).isInstanceOf(CachingUserAccounts.class);
        assertThat(threads).isInstanceOf(CachingThreadRepository.class);
        try (PersistenceModule uncached = DATABASE.get().secondServer(CacheSettings.none(), Map.of());
             PersistenceModule threadsOnly = DATABASE.get().secondServer(
                     new CacheSettings(Duration.ZERO, 1_000), Map.of())) {
            assertThat(uncached.userAccounts()).isInstanceOf(HibernateUserAccounts.class);
            assertThat(uncached.threads()).isInstanceOf(HibernateThreadRepository.class);
            assertThat(threadsOnly.userAccounts()).isInstanceOf(HibernateUserAccounts.class);
            assertThat(threadsOnly.threads()).isInstanceOf(CachingThreadRepository.class);
        }
    }

    @Test
    void aUserWrittenHereCostsNoStatementToLookUp() {
        User user = newUser();

        assertThat(statementsFor(() -> assertThat(users.findById(user.id())).contains(user))).isZero();
    }

    @Test
    void aRepeatedUserLookUpCostsNoStatement() {
        User user = addedByAnotherServer();

        long first = statementsFor(() -> assertThat(users.findById(user.id())).contains(user));
        long again = statementsFor(() -> {
            for (int i = 0; i < 10; i++) {
                assertThat(users.findById(user.id())).contains(user);
            }
        });

        assertThat(first).isEqualTo(1);
        assertThat(again).isZero();
    }

    @Test
    void anUnknownUserCostsAStatementEachTime() {
        UserId unknown = UserId.random();

        assertThat(statementsFor(() -> assertThat(users.findById(unknown)).isEmpty())).isEqualTo(1);
        assertThat(statementsFor(() -> assertThat(users.findById(unknown)).isEmpty())).isEqualTo(1);
    }

    @Test
    void findAllByIdOfHeldUsersCostsNoStatementAndOfOthersOne() {
        User held = newUser();
        User other = newUser();
        users.findById(held.id());

        assertThat(statementsFor(() -> assertThat(users.findAllById(List.of(held.id()))).hasSize(1)))
                .isZero();
        assertThat(statementsFor(() -> assertThat(users.findAllById(List.of(held.id(), other.id(),
                UserId.random()))).containsOnlyKeys(held.id(), other.id()))).isEqualTo(1);
    }

    @Test
    void addUpdateAndRecordLoginAreSeenAtOnce() {
        User user = Fixtures.minimalUser();
        assertThat(users.findById(user.id())).isEmpty();

        users.add(Fixtures.backendManaged(user));
        assertThat(users.findById(user.id())).contains(user);

        User renamed = user.withDetails(user.email(), UserProfile.named("Renamed"), user.status(), Fixtures.at(1));
        users.update(renamed);
        assertThat(users.findById(user.id())).contains(renamed);

        Instant loggedIn = Fixtures.at(2);
        users.recordLogin(user.id(), loggedIn);
        assertThat(users.findById(user.id())).contains(renamed.loggedInAt(loggedIn));
        assertThat(statementsFor(() -> users.findById(user.id()))).as("held again after the re-read").isZero();
    }

    @Test
    void aUserDeactivatedThroughUpdateIsInactiveAtOnce() {
        User user = newUser();
        assertThat(users.findById(user.id())).hasValueSatisfying(seen -> assertThat(seen.isActive()).isTrue());

        users.update(user.withDetails(user.email(), user.profile(), user.status().withActive(false), Fixtures.at(1)));

        assertThat(users.findById(user.id())).hasValueSatisfying(seen -> assertThat(seen.isActive()).isFalse());
    }

    @Test
    void aUserChangedByAnotherServerIsSeenHereWithinTheLifetime() {
        Duration lifetime = Duration.ofMillis(200);
        try (PersistenceModule here = DATABASE.get().secondServer(new CacheSettings(lifetime, 1_000), Map.of());
             PersistenceModule otherServer = DATABASE.get().secondServer()) {
            User user = Fixtures.minimalUser();
            otherServer.userAccounts().add(Fixtures.backendManaged(user));
            assertThat(here.userAccounts().findById(user.id())).as("absence was not cached").contains(user);

            User deactivated = user.withDetails(user.email(), user.profile(), user.status().withActive(false),
                    Fixtures.at(1));
            otherServer.userAccounts().update(deactivated);

            Optional<User> seen = pollUntil(() -> here.userAccounts().findById(user.id()),
                    found -> found.equals(Optional.of(deactivated)), Duration.ofSeconds(10));
            assertThat(seen).as("seen here once the lifetime has passed").contains(deactivated);
        }
    }

    @Test
    void aRepeatedGetOrCreateCostsNoStatementAndNeitherDoLookUpsOfThatThread() {
        Participants pair = Participants.of(newUser().id(), newUser().id());
        ChatThread thread = threads.getOrCreate(pair, Fixtures.T0);

        long again = statementsFor(() -> {
            for (int i = 0; i < 10; i++) {
                assertThat(threads.getOrCreate(pair, Fixtures.at(i))).isEqualTo(thread);
                assertThat(threads.findByParticipants(pair)).contains(thread);
                assertThat(threads.findById(thread.id())).contains(thread);
            }
        });

        assertThat(again).isZero();
    }

    @Test
    void aThreadCreatedByAnotherServerIsFoundHereAtOnce() {
        Participants pair = Participants.of(newUser().id(), newUser().id());
        try (PersistenceModule otherServer = DATABASE.get().secondServer()) {
            assertThat(threads.findByParticipants(pair)).isEmpty();

            ChatThread created = otherServer.threads().getOrCreate(pair, Fixtures.T0);

            assertThat(threads.findByParticipants(pair)).contains(created);
            assertThat(threads.getOrCreate(pair, Fixtures.at(5))).isEqualTo(created);
            assertThat(threads.findById(created.id())).contains(created);
        }
    }

    @Test
    void theCachesHoldAtMostTheirMaximumNumberOfEntries() {
        try (PersistenceModule small = DATABASE.get().secondServer(
                new CacheSettings(Duration.ofMinutes(10), 5), Map.of())) {
            for (int i = 0; i < 30; i++) {
                User user = newUser();
                assertThat(small.userAccounts().findById(user.id())).contains(user);
                small.threads().getOrCreate(Participants.of(user.id(), newUser().id()), Fixtures.T0);
            }

            assertThat(((CachingUserAccounts) small.userAccounts()).size()).isBetween(1L, 5L);
            assertThat(((CachingThreadRepository) small.threads()).heldByPair()).isBetween(1L, 5L);
            assertThat(((CachingThreadRepository) small.threads()).heldById()).isBetween(1L, 5L);
        }
    }

    private static <T> T pollUntil(Supplier<T> read, Predicate<T> done, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            value = read.get();
        }
        return value;
    }

    private static long statementsFor(Runnable work) {
        CONNECTIONS.clear();
        work.run();
        return CONNECTIONS.prepared().size();
    }

    /** A user added through an uncached storage on the same database, so this cache has not seen it. */
    private static User addedByAnotherServer() {
        try (PersistenceModule other = DATABASE.get().secondServer(CacheSettings.none(), Map.of())) {
            User user = Fixtures.minimalUser();
            other.userAccounts().add(Fixtures.backendManaged(user));
            return user;
        }
    }

    private static User newUser() {
        User user = Fixtures.minimalUser();
        users.add(Fixtures.backendManaged(user));
        return user;
    }
}
