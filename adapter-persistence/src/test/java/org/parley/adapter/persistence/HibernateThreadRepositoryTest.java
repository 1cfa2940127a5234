package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;

/** The Hibernate thread store on a real database: one thread per pair under races, and the activity query. */
class HibernateThreadRepositoryTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();
    private static ThreadRepository threads;
    private static MessageRepository messages;

    @BeforeAll
    static void start() {
        threads = DATABASE.get().module().threads();
        messages = DATABASE.get().module().messages();
    }

    @Test
    void getOrCreateCreatesOnceAndThenReturnsTheSameThread() {
        Participants pair = Participants.of(DATABASE.newUser(), DATABASE.newUser());

        ChatThread created = threads.getOrCreate(pair, Fixtures.T0);
        ChatThread again = threads.getOrCreate(pair, Fixtures.at(60));

        assertThat(again).isEqualTo(created);
        assertThat(created.participants()).isEqualTo(pair);
        assertThat(created.createdAt()).isEqualTo(Fixtures.T0);
        assertThat(threads.findById(created.id())).contains(created);
        assertThat(threads.findByParticipants(pair)).contains(created);
    }

    @Test
    void fiftyConcurrentFirstMessagesOnOnePairMakeOneThread() throws Exception {
        for (int round = 0; round < 3; round++) {
            UserId a = DATABASE.newUser();
            UserId b = DATABASE.newUser();
            Participants pair = Participants.of(a, b);
            int callers = 50;
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                CountDownLatch ready = new CountDownLatch(callers);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<ChatThread>> results = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return threads.getOrCreate(pair, Fixtures.T0);
                    }));
                }
                assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                List<ChatThread> returned = new ArrayList<>();
                for (Future<ChatThread> result : results) {
                    returned.add(result.get(30, TimeUnit.SECONDS));
                }

                assertThat(returned).hasSize(callers).containsOnly(returned.get(0));
                assertThat(threads.findActivityOf(a)).extracting(ThreadActivity::thread).containsExactly(returned.get(0));
                assertThat(threads.findActivityOf(b)).extracting(ThreadActivity::thread).containsExactly(returned.get(0));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoServersSharingTheDatabaseRacingOnOnePairMakeOneThread() throws Exception {
        try (PersistenceModule otherServer = DATABASE.get().secondServer()) {
            for (int round = 0; round < 3; round++) {
                Participants pair = Participants.of(DATABASE.newUser(), DATABASE.newUser());
                int callers = 20;
                ExecutorService pool = Executors.newFixedThreadPool(callers);
                try {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<ChatThread>> results = new ArrayList<>();
                    for (int i = 0; i < callers; i++) {
                        ThreadRepository server = i % 2 == 0 ? threads : otherServer.threads();
                        results.add(pool.submit(() -> {
                            go.await();
                            return server.getOrCreate(pair, Fixtures.T0);
                        }));
                    }
                    go.countDown();
                    List<ChatThread> returned = new ArrayList<>();
                    for (Future<ChatThread> result : results) {
                        returned.add(result.get(30, TimeUnit.SECONDS));
                    }

                    assertThat(returned).containsOnly(returned.get(0));
                    assertThat(otherServer.threads().findByParticipants(pair)).contains(returned.get(0));
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void activityListsTheLatestMessageOfEachThreadMostRecentFirstAndSilentThreadsLast() {
        UserId me = DATABASE.newUser();
        UserId quiet = DATABASE.newUser();
        UserId early = DATABASE.newUser();
        UserId late = DATABASE.newUser();
        UserId stranger = DATABASE.newUser();
        ChatThread silent = threads.getOrCreate(Participants.of(me, quiet), Fixtures.at(0));
        ChatThread first = threads.getOrCreate(Participants.of(me, early), Fixtures.at(1));
        ChatThread second = threads.getOrCreate(Participants.of(late, me), Fixtures.at(2));
        threads.getOrCreate(Participants.of(early, stranger), Fixtures.at(3));
        append(first, me, "one", 10);
        append(second, late, "two", 11);
        Message latestOfFirst = append(first, early, "three", 12);
        Message latestOfSecond = append(second, me, "four", 13);

        List<ThreadActivity> activity = threads.findActivityOf(me);

        assertThat(activity).containsExactly(
                new ThreadActivity(second, Optional.of(latestOfSecond)),
                new ThreadActivity(first, Optional.of(latestOfFirst)),
                new ThreadActivity(silent, Optional.empty()));
        assertThat(threads.findActivityOf(UserId.random())).isEmpty();
    }

    @Test
    void unknownThreadsAndPairsAreEmpty() {
        assertThat(threads.findByParticipants(Participants.of(UserId.random(), UserId.random()))).isEmpty();
        assertThat(threads.findById(new org.parley.domain.chat.ThreadId(Long.MAX_VALUE))).isEmpty();
    }

    private static Message append(ChatThread thread, UserId sender, String body, long second) {
        return messages.append(thread.compose(sender, Fixtures.text(body), Fixtures.at(second)));
    }
}
