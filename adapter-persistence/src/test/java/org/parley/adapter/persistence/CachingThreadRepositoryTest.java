package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.InMemoryMessageRepository;
import org.parley.application.testing.InMemoryThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * What the thread cache adds, on an in-memory store that counts its calls: one store call per thread, by pair or by
 * id; a pair without a thread is asked again each time; concurrent first calls for a pair share one store call; a
 * bounded size. {@code StorageCachesTest} checks the same on the real databases.
 */
class CachingThreadRepositoryTest {

    private final CountingStore store = new CountingStore();
    private final CachingThreadRepository threads = new CachingThreadRepository(store, 1_000);
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        executor.shutdownNow();
    }

    /** The hot path's question: the pair's thread if held now, never a store call. */
    @Test
    void findHeldAnswersFromMemoryOnly() {
        Participants pair = newPair();
        assertThat(threads.findHeld(pair)).isEmpty();
        assertThat(store.calls.get()).isZero();

        ChatThread created = threads.getOrCreate(pair, ChatFixtures.T0);

        assertThat(threads.findHeld(pair)).contains(created);
        assertThat(store.calls.get()).isEqualTo(1);
    }

    @Test
    void aPairsThreadIsFetchedOnceThenServedFromMemoryByPairAndById() {
        Participants pair = newPair();

        ChatThread created = threads.getOrCreate(pair, ChatFixtures.T0);
        for (int i = 0; i < 5; i++) {
            assertThat(threads.getOrCreate(pair, ChatFixtures.T0.plusSeconds(i))).isEqualTo(created);
            assertThat(threads.findByParticipants(pair)).contains(created);
            assertThat(threads.findById(created.id())).contains(created);
        }

        assertThat(store.calls.get()).isEqualTo(1);
    }

    @Test
    void aThreadFoundByIdIsAlsoHeldByPairAndTheOtherWayRound() {
        ChatThread first = store.getOrCreate(newPair(), ChatFixtures.T0);
        ChatThread second = store.getOrCreate(newPair(), ChatFixtures.T0);
        int before = store.calls.get();

        assertThat(threads.findById(first.id())).contains(first);
        assertThat(threads.findByParticipants(first.participants())).contains(first);
        assertThat(threads.findByParticipants(second.participants())).contains(second);
        assertThat(threads.findById(second.id())).contains(second);

        assertThat(store.calls.get() - before).isEqualTo(2);
    }

    @Test
    void aPairWithoutAThreadIsAskedAgainSoAThreadCreatedElsewhereIsFound() {
        Participants pair = newPair();

        assertThat(threads.findByParticipants(pair)).isEmpty();
        assertThat(threads.findByParticipants(pair)).isEmpty();
        ChatThread elsewhere = store.getOrCreate(pair, ChatFixtures.T0);   // another server: this cache is not told

        assertThat(threads.findByParticipants(pair)).contains(elsewhere);
        assertThat(threads.getOrCreate(pair, ChatFixtures.T0.plusSeconds(9))).isEqualTo(elsewhere);
        assertThat(threads.findById(new ThreadId(Long.MAX_VALUE))).isEmpty();
        assertThat(threads.findById(new ThreadId(Long.MAX_VALUE))).isEmpty();
        assertThat(store.calls.get()).as("3 look-ups by pair, the store's own create, 2 by id").isEqualTo(6);
    }

    @Test
    void concurrentFirstCallsForOnePairShareOneStoreCall() throws Exception {
        Participants pair = newPair();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ChatThread>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Instant now = ChatFixtures.T0.plusMillis(i);
            results.add(executor.submit(() -> {
                go.await();
                return threads.getOrCreate(pair, now);
            }));
        }
        go.countDown();

        Set<ChatThread> returned = new HashSet<>();
        for (Future<ChatThread> result : results) {
            returned.add(result.get(10, TimeUnit.SECONDS));
        }
        assertThat(returned).hasSize(1);
        assertThat(store.calls.get()).isEqualTo(1);
    }

    @Test
    void theCacheHoldsAtMostItsMaximumNumberOfThreads() {
        CachingThreadRepository small = new CachingThreadRepository(store, 10);

        for (int i = 0; i < 200; i++) {
            ChatThread thread = small.getOrCreate(newPair(), ChatFixtures.T0);
            assertThat(small.findById(thread.id())).contains(thread);
        }

        assertThat(small.heldByPair()).isBetween(1L, 10L);
        assertThat(small.heldById()).isBetween(1L, 10L);
    }

    @Test
    void activityAlwaysAsksTheStore() {
        UserId me = UserId.random();
        threads.getOrCreate(Participants.of(me, UserId.random()), ChatFixtures.T0);

        assertThat(threads.findActivityOf(me)).hasSize(1);
        assertThat(threads.findActivityOf(me)).hasSize(1);

        assertThat(store.calls.get()).isEqualTo(3);
    }

    private static Participants newPair() {
        return Participants.of(UserId.random(), UserId.random());
    }

    /** An in-memory store that counts every call. */
    private static final class CountingStore implements ThreadRepository {

        final InMemoryThreadRepository threads = new InMemoryThreadRepository(new InMemoryMessageRepository());
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ChatThread getOrCreate(Participants participants, Instant now) {
            calls.incrementAndGet();
            return threads.getOrCreate(participants, now);
        }

        @Override
        public Optional<ChatThread> findByParticipants(Participants participants) {
            calls.incrementAndGet();
            return threads.findByParticipants(participants);
        }

        @Override
        public Optional<ChatThread> findById(ThreadId id) {
            calls.incrementAndGet();
            return threads.findById(id);
        }

        @Override
        public List<ThreadActivity> findActivityOf(UserId user) {
            calls.incrementAndGet();
            return threads.findActivityOf(user);
        }
    }
}
