package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.parley.application.error.Conflict;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.EncodedPassword;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * What the user cache adds, on an in-memory store that counts its reads and a clock moved by hand: one read per user,
 * writes here held at once as committed (also against a load or another write in flight), absence never cached, others' writes seen after the
 * lifetime, and a bounded size. {@code StorageCachesTest} checks the same on the real databases.
 */
class CachingUserAccountsTest {

    private static final Duration LIFETIME = Duration.ofSeconds(5);

    private final FakeTicker ticker = new FakeTicker();
    private final CountingStore store = new CountingStore();
    private final CachingUserAccounts users = new CachingUserAccounts(store, LIFETIME, 1_000, ticker);
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        executor.shutdownNow();
    }

    @Test
    void aUserIsReadFromTheStoreOnceThenFromMemory() {
        User user = ChatFixtures.addUser(store);

        for (int i = 0; i < 5; i++) {
            assertThat(users.findById(user.id())).contains(user);
        }

        assertThat(store.reads.get()).isEqualTo(1);
    }

    /** The hot path's question: what is held now, never a read of the store, never a wait for a load in flight. */
    @Test
    void findHeldAnswersFromMemoryOnlyAndNeverWaitsForALoadInFlight() throws Exception {
        User user = ChatFixtures.addUser(store);
        assertThat(users.findHeld(user.id())).isEmpty();
        assertThat(store.reads.get()).isZero();

        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch releaseRead = new CountDownLatch(1);
        store.holdNextRead(readDone, releaseRead);
        Future<Optional<User>> load = executor.submit(() -> users.findById(user.id()));
        assertThat(readDone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(users.findHeld(user.id())).as("while its load is held in the store").isEmpty();
        releaseRead.countDown();
        assertThat(load.get(10, TimeUnit.SECONDS)).contains(user);

        assertThat(users.findHeld(user.id())).contains(user);
        assertThat(store.reads.get()).isEqualTo(1);
    }

    /**
     * An idle server must not keep the users it read once they expired (each idle connection's user stayed in memory
     * until the cache's next use): the scheduled maintenance lets them go with no look-up at all.
     */
    @Test
    void expiredUsersAreLetGoByTheScheduledMaintenanceWithoutAnyUseOfTheCache() throws Exception {
        RecordingScheduler scheduler = new RecordingScheduler();
        CachingUserAccounts scheduled = new CachingUserAccounts(store, LIFETIME, 1_000, ticker, scheduler);
        List<User> read = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            read.add(ChatFixtures.addUser(store));
        }
        read.forEach(user -> assertThat(scheduled.findById(user.id())).contains(user));
        assertThat(scheduled.entriesInTable()).isEqualTo(3);
        // The maintenance after a write runs on Caffeine's executor (the common pool), which then schedules the next.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (scheduler.pending() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(scheduler.pending()).as("maintenance scheduled for the first expiry").isPositive();

        ticker.advance(LIFETIME.minusMillis(1));
        scheduler.runDue();
        assertThat(scheduled.entriesInTable()).as("not yet expired").isEqualTo(3);

        ticker.advance(Duration.ofMillis(2));
        scheduler.runDue();

        assertThat(scheduled.entriesInTable()).as("let go without a look-up").isZero();
        assertThat(store.reads.get()).isEqualTo(3);
    }

    /** The production cache schedules its maintenance on the JVM's delay thread: an expired user goes by itself. */
    @Test
    void theProductionCacheLetsExpiredUsersGoByItself() throws Exception {
        CachingUserAccounts real = new CachingUserAccounts(store, Duration.ofMillis(50), 1_000);
        User user = ChatFixtures.addUser(store);
        assertThat(real.findById(user.id())).contains(user);
        assertThat(real.entriesInTable()).isEqualTo(1);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (real.entriesInTable() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        assertThat(real.entriesInTable()).isZero();
    }

    /**
     * A server stopped and started again in one JVM (tests, embedded use) leaves its old user cache behind with its
     * maintenance still scheduled on the JVM's delay thread, for when its entries expire (an hour here): that pending
     * task must not keep the old cache, nor the users it holds, in memory until then.
     */
    @Test
    void aCacheNoLongerUsedIsNotKeptByItsPendingMaintenance() throws Exception {
        AtomicInteger scheduled = new AtomicInteger();
        WeakReference<User> held = aUserHeldByACacheWithMaintenancePending(scheduled);
        assertThat(scheduled.get()).as("maintenance scheduled on the JVM's delay thread").isPositive();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }

        assertThat(held.get()).as("collected although its cache's maintenance is still scheduled").isNull();
    }

    /**
     * Servers started and stopped many times in one JVM: their caches' maintenance shares the JVM's one delay thread,
     * a daemon (it never keeps the JVM from exiting), and runs on the common pool; no cache starts a thread of its own.
     */
    @Test
    void manyProductionCachesStartNoThreadOfTheirOwn() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int i = 0; i < 50; i++) {
            InMemoryUserAccounts storage = new InMemoryUserAccounts();
            CachingUserAccounts cache = new CachingUserAccounts(storage, Duration.ofMillis(20 + i), 1_000);
            User user = ChatFixtures.addUser(storage);
            assertThat(cache.findById(user.id())).contains(user);
            assertThat(cache.size()).isEqualTo(1);
        }
        Thread.sleep(200);

        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .filter(thread -> !thread.getName().startsWith("ForkJoinPool.commonPool"))
                .toList();
        assertThat(started).as("threads started by 50 caches, besides the common pool's")
                .allSatisfy(thread -> assertThat(thread.isDaemon()).as(thread.getName()).isTrue())
                .hasSizeLessThanOrEqualTo(1);
    }

    /** A user held only by a production cache (and its store, both dropped on return) whose maintenance is pending. */
    private static WeakReference<User> aUserHeldByACacheWithMaintenancePending(AtomicInteger scheduled) {
        InMemoryUserAccounts storage = new InMemoryUserAccounts();
        Scheduler system = Scheduler.systemScheduler();
        // The production scheduler, counting what it is given and keeping none of it.
        Scheduler counting = (executor, command, delay, unit) -> {
            scheduled.incrementAndGet();
            return system.schedule(executor, command, delay, unit);
        };
        CachingUserAccounts cache = new CachingUserAccounts(storage, Duration.ofHours(1), 1_000,
                Ticker.systemTicker(), counting);
        User user = ChatFixtures.addUser(storage);
        assertThat(cache.findById(user.id())).contains(user);
        // Runs the maintenance here and now, which schedules the next one for when the user expires.
        assertThat(cache.size()).isEqualTo(1);
        return new WeakReference<>(user);
    }

    @Test
    void anAbsentUserIsNotRememberedAsAbsent() {
        User later = ChatFixtures.minimalUser();

        assertThat(users.findById(later.id())).isEmpty();
        assertThat(users.findById(later.id())).isEmpty();
        store.add(new Account(later, Optional.empty()));   // as another server would: this cache is not told

        assertThat(users.findById(later.id())).contains(later);
        assertThat(store.reads.get()).isEqualTo(3);
    }

    @Test
    void addUpdateAndRecordLoginThroughTheCacheAreSeenAtOnce() {
        User user = ChatFixtures.minimalUser();
        assertThat(users.findById(user.id())).isEmpty();

        users.add(new Account(user, Optional.empty()));
        assertThat(users.findById(user.id())).contains(user);

        User renamed = user.withDetails(user.email(), UserProfile.named("Renamed"), user.status(),
                ChatFixtures.T0.plusSeconds(1));
        users.update(renamed);
        assertThat(users.findById(user.id())).contains(renamed);

        Instant loggedIn = ChatFixtures.T0.plusSeconds(2);
        users.recordLogin(user.id(), loggedIn);
        assertThat(users.findById(user.id())).contains(renamed.loggedInAt(loggedIn));

        User deactivated = renamed.withDetails(user.email(), renamed.profile(), renamed.status().withActive(false),
                ChatFixtures.T0.plusSeconds(3));
        users.update(deactivated);
        assertThat(users.findById(user.id())).hasValueSatisfying(seen -> assertThat(seen.isActive()).isFalse());
    }

    @Test
    void anUpdateWithAPasswordThroughTheCacheIsSeenAtOnceAndStoresThePassword() {
        User user = ChatFixtures.addUser(store);
        assertThat(users.findById(user.id())).contains(user);
        User moved = user.withDetails(user.email(), user.profile(), user.status().withVerified(true, true),
                ChatFixtures.T0.plusSeconds(1));
        EncodedPassword imported = new EncodedPassword("pbkdf2_sha256$20000$seedsalt1234$imported");

        users.update(moved, imported);

        assertThat(users.findById(user.id())).contains(moved);
        assertThat(users.findByEmail(user.email()).orElseThrow().password()).contains(imported);
    }

    @Test
    void aChangeAnnouncedFromAnotherServerIsSeenAtOnceOnceForgotten() {
        User user = ChatFixtures.addUser(store);
        assertThat(users.findById(user.id())).contains(user);
        User deactivated = user.withDetails(user.email(), user.profile(), user.status().withActive(false),
                ChatFixtures.T0.plusSeconds(1));
        store.update(deactivated);   // as another server would: this cache is not told, only its bus's notice

        users.forgetCached(user.id());

        assertThat(users.findById(user.id())).contains(deactivated);
        assertThat(store.reads.get()).isEqualTo(2);
    }

    @Test
    void aWriteLeavesTheCommittedUserInMemory() {
        User user = ChatFixtures.minimalUser();

        users.add(new Account(user, Optional.empty()));
        int readsAfterAdd = store.reads.get();
        for (int i = 0; i < 3; i++) {
            assertThat(users.findById(user.id())).contains(user);
        }

        assertThat(readsAfterAdd).as("the committed row read back once").isEqualTo(1);
        assertThat(store.reads.get()).as("then served from memory").isEqualTo(1);
    }

    @Test
    void theCacheHoldsTheRowAsCommittedNotTheCallersArgument() {
        User user = ChatFixtures.addUser(store);
        Instant loggedInElsewhere = ChatFixtures.T0.plusSeconds(5);
        store.recordLogin(user.id(), loggedInElsewhere);   // the caller below has not seen this log-in

        User renamed = user.withDetails(user.email(), UserProfile.named("Renamed"), user.status(),
                ChatFixtures.T0.plusSeconds(6));
        users.update(renamed);

        assertThat(users.findById(user.id())).contains(renamed.loggedInAt(loggedInElsewhere));
    }

    @Test
    void aFailedWriteLeavesTheCacheRight() {
        User user = ChatFixtures.addUser(store);
        User other = ChatFixtures.addUser(store);
        assertThat(users.findById(user.id())).contains(user);

        User clash = user.withDetails(other.email(), user.profile(), user.status(), ChatFixtures.T0.plusSeconds(1));
        assertThatThrownBy(() -> users.update(clash)).isInstanceOf(Conflict.class);

        assertThat(users.findById(user.id())).contains(user);
        assertThat(store.reads.get()).as("the failed write dropped the entry").isEqualTo(2);
    }

    @Test
    void aWriteThatCannotReadItsUserBackStillSucceedsAndLeavesNoEntry() {
        User user = ChatFixtures.addUser(store);
        store.failNextRead();

        User renamed = user.withDetails(user.email(), UserProfile.named("Renamed"), user.status(),
                ChatFixtures.T0.plusSeconds(1));
        users.update(renamed);

        assertThat(users.findById(user.id())).contains(renamed);
        assertThat(store.reads.get()).as("the failed read-back, then a load").isEqualTo(2);
    }

    @Test
    void aChangeMadeElsewhereIsSeenOnceTheLifetimeHasPassed() {
        User user = ChatFixtures.addUser(store);
        assertThat(users.findById(user.id())).contains(user);
        User deactivated = user.withDetails(user.email(), user.profile(), user.status().withActive(false),
                ChatFixtures.T0.plusSeconds(1));
        store.update(deactivated);   // as another server sharing the database would: this cache is not told

        ticker.advance(LIFETIME.minusMillis(1));
        assertThat(users.findById(user.id())).as("within the lifetime").contains(user);

        ticker.advance(Duration.ofMillis(1));
        assertThat(users.findById(user.id())).as("once the lifetime has passed").contains(deactivated);
    }

    @Test
    void theCacheHoldsAtMostItsMaximumNumberOfUsers() {
        CachingUserAccounts small = new CachingUserAccounts(store, LIFETIME, 10, ticker);
        List<User> added = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            added.add(ChatFixtures.addUser(store));
        }

        added.forEach(user -> assertThat(small.findById(user.id())).contains(user));

        assertThat(small.size()).isBetween(1L, 10L);
    }

    @Test
    void findAllByIdAnswersHeldUsersFromMemoryAndTheOthersInOneStoreCall() {
        User held = ChatFixtures.addUser(store);
        User notHeld = ChatFixtures.addUser(store);
        UserId missing = UserId.random();
        users.findById(held.id());

        Map<UserId, User> found = users.findAllById(List.of(held.id(), notHeld.id(), missing, notHeld.id()));

        assertThat(found).containsOnly(Map.entry(held.id(), held), Map.entry(notHeld.id(), notHeld));
        assertThat(store.bulkReads).containsExactly(List.of(notHeld.id(), missing));
        assertThat(users.findAllById(List.of(held.id()))).containsOnly(Map.entry(held.id(), held));
        assertThat(store.bulkReads).as("all held: no store call").hasSize(1);
        assertThat(users.findAllById(List.of())).isEmpty();
    }

    /**
     * A conversation's page names the caller (held) and the other user: the one user not held is loaded as
     * {@code findById} loads it and stays held, so the next page costs no store call.
     */
    @Test
    void findAllByIdLoadsASingleUserNotHeldThroughTheCacheAndHoldsIt() {
        User held = ChatFixtures.addUser(store);
        User other = ChatFixtures.addUser(store);
        users.findById(held.id());

        assertThat(users.findAllById(List.of(held.id(), other.id())))
                .containsOnly(Map.entry(held.id(), held), Map.entry(other.id(), other));
        assertThat(users.findAllById(List.of(held.id(), other.id())))
                .containsOnly(Map.entry(held.id(), held), Map.entry(other.id(), other));
        users.findById(other.id());

        assertThat(store.reads.get()).as("one read each, ever").isEqualTo(2);
        assertThat(store.bulkReads).isEmpty();
        assertThat(users.size()).isEqualTo(2);
    }

    @Test
    void findAllByIdOfASingleUnknownIdRemembersNothing() {
        UserId unknown = UserId.random();

        assertThat(users.findAllById(List.of(unknown, unknown))).isEmpty();
        assertThat(users.findAllById(List.of(unknown))).isEmpty();

        assertThat(store.reads.get()).as("absence is not cached").isEqualTo(2);
        assertThat(users.size()).isZero();
    }

    /** Several users read in one bulk call are not stored: a bulk read is not atomic per user. */
    @Test
    void findAllByIdDoesNotHoldUsersReadInBulk() {
        User first = ChatFixtures.addUser(store);
        User second = ChatFixtures.addUser(store);

        users.findAllById(List.of(first.id(), second.id()));
        users.findById(first.id());
        users.findById(second.id());

        assertThat(store.bulkReads).containsExactly(List.of(first.id(), second.id()));
        assertThat(store.reads.get()).isEqualTo(2);
    }

    @Test
    void findByEmailAlwaysAsksTheStore() {
        User user = ChatFixtures.addUser(store);
        users.findById(user.id());

        assertThat(users.findByEmail(user.email())).hasValueSatisfying(account ->
                assertThat(account.user()).isEqualTo(user));
        assertThat(users.findByEmail(user.email())).isPresent();

        assertThat(store.emailReads.get()).isEqualTo(2);
    }

    /** Writes of a user that must never leave an older row in the cache. */
    enum Write {
        DEACTIVATE {
            @Override
            User apply(UserAccounts users, User user) {
                User deactivated = user.withDetails(user.email(), user.profile(), user.status().withActive(false),
                        ChatFixtures.T0.plusSeconds(30));
                users.update(deactivated);
                return deactivated;
            }
        },
        RECORD_LOGIN {
            @Override
            User apply(UserAccounts users, User user) {
                Instant at = ChatFixtures.T0.plusSeconds(40);
                users.recordLogin(user.id(), at);
                return user.loggedInAt(at);
            }
        };

        /** Writes through {@code users} and returns the user as stored afterwards. */
        abstract User apply(UserAccounts users, User user);
    }

    /**
     * The race a cache of mutable rows must survive: a load reads the old row, a write commits, then the load would
     * store what it read. Here the load is held after its read; the write must wait for it (it has not reached the
     * store while the load is held), and the user must then be held as written.
     */
    @ParameterizedTest
    @EnumSource(Write.class)
    void aLoadInFlightDuringAWriteCannotPutTheOldUserBack(Write write) throws Exception {
        User user = ChatFixtures.addUser(store);
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch releaseRead = new CountDownLatch(1);
        store.holdNextRead(readDone, releaseRead);

        Future<Optional<User>> load = executor.submit(() -> users.findById(user.id()));
        assertThat(readDone.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<User> written = new AtomicReference<>();
        CountDownLatch stored = store.signalNextWrite();
        Thread writer = new Thread(() -> written.set(write.apply(users, user)), "writer");
        writer.start();
        awaitFinishedOrWaiting(writer);
        assertThat(stored.getCount()).as("the write waits for the load in flight").isEqualTo(1);
        releaseRead.countDown();

        assertThat(load.get(10, TimeUnit.SECONDS)).as("the load began before the write").contains(user);
        assertThat(stored.await(10, TimeUnit.SECONDS)).isTrue();
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        int readsBefore = store.reads.get();
        assertThat(users.findById(user.id())).contains(written.get());
        assertThat(store.reads.get()).as("held in memory after the write").isEqualTo(readsBefore);
    }

    /**
     * Two writes of one user: the second waits until the first has committed and been read back, so the entry ends
     * as the second one left the row, never the first.
     */
    @Test
    void twoWritesOfOneUserEndWithTheLastOneHeld() throws Exception {
        User user = ChatFixtures.addUser(store);
        CountDownLatch firstWriting = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        store.holdNextWrite(firstWriting, releaseFirst);
        User first = user.withDetails(user.email(), UserProfile.named("First"), user.status(),
                ChatFixtures.T0.plusSeconds(1));
        User second = user.withDetails(user.email(), UserProfile.named("Second"), user.status(),
                ChatFixtures.T0.plusSeconds(2));

        Future<?> firstWrite = executor.submit(() -> users.update(first));
        assertThat(firstWriting.await(10, TimeUnit.SECONDS)).isTrue();
        Thread secondWriter = new Thread(() -> users.update(second), "second writer");
        secondWriter.start();
        awaitFinishedOrWaiting(secondWriter);
        assertThat(store.users.findById(user.id())).as("the second write waits").contains(user);
        releaseFirst.countDown();

        firstWrite.get(10, TimeUnit.SECONDS);
        secondWriter.join(10_000);
        assertThat(secondWriter.isAlive()).isFalse();
        assertThat(users.findById(user.id())).contains(second);
    }

    private static void awaitFinishedOrWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() == Thread.State.RUNNABLE || thread.getState() == Thread.State.NEW) {
            assertThat(System.nanoTime()).as("the writer neither finishes nor waits").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** An in-memory store that counts reads, and can hold a read or signal a write for the race test. */
    private static final class CountingStore implements UserAccounts {

        final InMemoryUserAccounts users = new InMemoryUserAccounts();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger emailReads = new AtomicInteger();
        final List<List<UserId>> bulkReads = new CopyOnWriteArrayList<>();
        private final AtomicReference<CountDownLatch[]> heldRead = new AtomicReference<>();
        private final AtomicReference<CountDownLatch> writeSignal = new AtomicReference<>();
        private final AtomicReference<CountDownLatch[]> heldWrite = new AtomicReference<>();
        private final AtomicBoolean failRead = new AtomicBoolean();

        void holdNextRead(CountDownLatch readDone, CountDownLatch release) {
            heldRead.set(new CountDownLatch[] {readDone, release});
        }

        void holdNextWrite(CountDownLatch writing, CountDownLatch release) {
            heldWrite.set(new CountDownLatch[] {writing, release});
        }

        void failNextRead() {
            failRead.set(true);
        }

        CountDownLatch signalNextWrite() {
            CountDownLatch latch = new CountDownLatch(1);
            writeSignal.set(latch);
            return latch;
        }

        @Override
        public Optional<User> findById(UserId id) {
            reads.incrementAndGet();
            if (failRead.getAndSet(false)) {
                throw new IllegalStateException("store unreachable");
            }
            Optional<User> found = users.findById(id);
            CountDownLatch[] hold = heldRead.getAndSet(null);
            if (hold != null) {
                hold[0].countDown();
                await(hold[1]);
            }
            return found;
        }

        private static void await(CountDownLatch release) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Map<UserId, User> findAllById(Collection<UserId> ids) {
            bulkReads.add(List.copyOf(ids));
            return users.findAllById(ids);
        }

        @Override
        public Optional<Account> findByEmail(EmailAddress email) {
            emailReads.incrementAndGet();
            return users.findByEmail(email);
        }

        @Override
        public void add(Account account) {
            users.add(account);
            written();
        }

        @Override
        public void update(User user) {
            CountDownLatch[] hold = heldWrite.getAndSet(null);
            if (hold != null) {
                hold[0].countDown();
                await(hold[1]);
            }
            users.update(user);
            written();
        }

        @Override
        public void update(User user, EncodedPassword password) {
            users.update(user, password);
            written();
        }

        @Override
        public void recordLogin(UserId id, Instant at) {
            users.recordLogin(id, at);
            written();
        }

        private void written() {
            CountDownLatch signal = writeSignal.getAndSet(null);
            if (signal != null) {
                signal.countDown();
            }
        }
    }

    /** Caffeine's scheduler, run by the test: each task runs once the fake clock has passed its due time. */
    private final class RecordingScheduler implements Scheduler {

        private final List<Runnable> tasks = new ArrayList<>();
        private final List<Long> dueAt = new ArrayList<>();

        synchronized int pending() {
            return tasks.size();
        }

        @Override
        public synchronized Future<?> schedule(java.util.concurrent.Executor executor, Runnable command, long delay,
                                               TimeUnit unit) {
            tasks.add(command);
            dueAt.add(ticker.read() + unit.toNanos(delay));
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        /** Runs (on this thread) every task whose time has come, including those they schedule. */
        void runDue() {
            while (true) {
                Runnable due = null;
                synchronized (this) {
                    for (int i = 0; i < tasks.size(); i++) {
                        if (dueAt.get(i) <= ticker.read()) {
                            due = tasks.remove(i);
                            dueAt.remove(i);
                            break;
                        }
                    }
                }
                if (due == null) {
                    return;
                }
                due.run();
            }
        }
    }

    /** Caffeine's clock, moved by the test. */
    private static final class FakeTicker implements Ticker {

        private final AtomicLong nanos = new AtomicLong();

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration duration) {
            nanos.addAndGet(duration.toNanos());
        }
    }
}
