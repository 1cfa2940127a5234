package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.User;

/**
 * What every {@link ThreadRepository} must do. Extend it and implement {@link #newStorage()}. The tests never assume an
 * empty store: each creates its own users with random ids.
 */
public abstract class ThreadRepositoryContract {

    private static final int RACERS = 16;

    protected ChatStorage storage;
    protected ThreadRepository threads;

    /** The storage under test; called before each test. It may be shared with earlier tests. */
    protected abstract ChatStorage newStorage();

    @BeforeEach
    public void setUpStorage() {
        storage = newStorage();
        threads = storage.threads();
    }

    @Test
    public void get_or_create_creates_one_thread_per_pair_whichever_order() {
        User a = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        Instant created = ChatFixtures.T0.plusSeconds(1);

        ChatThread first = threads.getOrCreate(Participants.of(a.id(), b.id()), created);
        ChatThread again = threads.getOrCreate(Participants.of(b.id(), a.id()), created.plusSeconds(60));

        assertThat(first.participants()).isEqualTo(Participants.of(a.id(), b.id()));
        assertThat(first.createdAt()).isEqualTo(created);
        assertThat(again).isEqualTo(first);
    }

    @Test
    public void different_pairs_get_different_threads() {
        User a = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        User c = ChatFixtures.addUser(storage.users());

        ChatThread ab = threads.getOrCreate(Participants.of(a.id(), b.id()), ChatFixtures.T0);
        ChatThread ac = threads.getOrCreate(Participants.of(a.id(), c.id()), ChatFixtures.T0);

        assertThat(ab.id()).isNotEqualTo(ac.id());
    }

    @Test
    public void concurrent_get_or_create_for_one_pair_yields_exactly_one_thread() throws Exception {
        User a = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            List<Future<ChatThread>> results = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                Participants pair = i % 2 == 0 ? Participants.of(a.id(), b.id()) : Participants.of(b.id(), a.id());
                Instant now = ChatFixtures.T0.plusMillis(i);
                Callable<ChatThread> racer = () -> {
                    start.await();
                    return threads.getOrCreate(pair, now);
                };
                results.add(pool.submit(racer));
            }
            start.countDown();
            Set<ThreadId> ids = new HashSet<>();
            for (Future<ChatThread> result : results) {
                ids.add(result.get(30, TimeUnit.SECONDS).id());
            }
            assertThat(ids).hasSize(1);
            assertThat(threads.findByParticipants(Participants.of(a.id(), b.id())).map(ChatThread::id))
                    .contains(ids.iterator().next());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void finds_a_thread_by_id_and_by_participants() {
        User a = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        ChatThread thread = threads.getOrCreate(Participants.of(a.id(), b.id()), ChatFixtures.T0);

        assertThat(threads.findById(thread.id())).contains(thread);
        assertThat(threads.findByParticipants(Participants.of(b.id(), a.id()))).contains(thread);
    }

    @Test
    public void unknown_threads_are_not_found() {
        User a = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());

        assertThat(threads.findByParticipants(Participants.of(a.id(), b.id()))).isEmpty();
        assertThat(threads.findById(new ThreadId(Long.MAX_VALUE))).isEmpty();
    }

    @Test
    public void activity_lists_own_threads_by_latest_message_with_silent_threads_last() {
        User me = ChatFixtures.addUser(storage.users());
        User quiet = ChatFixtures.addUser(storage.users());
        User older = ChatFixtures.addUser(storage.users());
        User newer = ChatFixtures.addUser(storage.users());
        User stranger = ChatFixtures.addUser(storage.users());
        ChatThread withQuiet = threads.getOrCreate(Participants.of(me.id(), quiet.id()), ChatFixtures.T0.plusSeconds(1));
        ChatThread withNewer = threads.getOrCreate(Participants.of(me.id(), newer.id()), ChatFixtures.T0.plusSeconds(2));
        ChatThread withOlder = threads.getOrCreate(Participants.of(me.id(), older.id()), ChatFixtures.T0.plusSeconds(3));
        ChatThread notMine = threads.getOrCreate(Participants.of(older.id(), stranger.id()), ChatFixtures.T0);

        send(withNewer, newer, "first", 10);
        send(withOlder, me, "second", 11);
        send(withNewer, me, "third", 12);
        Message lastWithOlder = send(withOlder, older, "fourth", 13);
        Message lastWithNewer = send(withNewer, newer, "fifth", 14);
        send(notMine, stranger, "not for me", 15);

        List<ThreadActivity> activity = threads.findActivityOf(me.id());

        assertThat(activity).containsExactly(
                new ThreadActivity(withNewer, Optional.of(lastWithNewer)),
                new ThreadActivity(withOlder, Optional.of(lastWithOlder)),
                new ThreadActivity(withQuiet, Optional.empty()));
    }

    @Test
    public void activity_of_a_user_without_threads_is_empty() {
        User loner = ChatFixtures.addUser(storage.users());

        assertThat(threads.findActivityOf(loner.id())).isEmpty();
    }

    private Message send(ChatThread thread, User sender, String text, int secondsAfterT0) {
        return storage.messages().append(thread.compose(sender.id(), new MessageContent.Text(text),
                ChatFixtures.T0.plusSeconds(secondsAfterT0)));
    }
}
