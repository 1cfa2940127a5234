package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.ReadMarkerRepository.Advance;
import org.parley.application.port.out.ReadMarkerRepository.ThreadReading;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ReadState;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.User;

/**
 * What every {@link ReadMarkerRepository} must do (contract §11). Extend it and implement {@link #newStorage()} and
 * {@link #markersOf(ChatStorage)}. The tests never assume an empty store: each creates its own users.
 */
public abstract class ReadMarkerRepositoryContract {

    private static final int RACERS = 8;

    protected ChatStorage storage;
    protected ReadMarkerRepository markers;
    /** Two new users of each test, and their thread. */
    private User me;
    private User other;
    private ChatThread thread;

    /** The chat storage under test; called before each test. It may be shared with earlier tests. */
    protected abstract ChatStorage newStorage();

    /** The read markers kept in {@code storage}'s store (they refer to its threads, users and messages). */
    protected abstract ReadMarkerRepository markersOf(ChatStorage storage);

    @BeforeEach
    public void setUpStorage() {
        storage = newStorage();
        markers = markersOf(storage);
        me = ChatFixtures.addUser(storage.users());
        other = ChatFixtures.addUser(storage.users());
        thread = thread(me, other);
    }

    @Test
    public void without_markers_nothing_is_seen_and_everything_sent_to_me_is_unread() {
        Message toMe = send(thread, other, "one");
        send(thread, me, "mine");
        send(thread, other, "two");

        assertThat(markers.findIn(thread.id())).isEqualTo(ReadState.none());
        assertThat(markers.findIn(thread.id()).seen(toMe)).isFalse();
        assertThat(markers.findReadingOf(me.id())).containsEntry(thread.id(), new ThreadReading(ReadState.none(), 2));
        assertThat(markers.findReadingOf(other.id())).containsEntry(thread.id(), new ThreadReading(ReadState.none(), 1));
    }

    @Test
    public void a_deleted_message_is_not_unread() {
        Message regretted = send(thread, other, "sent by mistake");
        send(thread, other, "still here");

        assertThat(storage.messages().saveDeletion(regretted.id(), at(5))).isTrue();

        assertThat(markers.findReadingOf(me.id())).containsEntry(thread.id(), new ThreadReading(ReadState.none(), 1));
    }

    @Test
    public void a_marker_moves_forward_and_never_back() {
        Message first = send(thread, other, "one");
        Message second = send(thread, other, "two");
        Message third = send(thread, other, "three");

        assertThat(markers.advance(thread.id(), me.id(), second.id(), at(1))).isEqualTo(new Advance(second.id(), true));
        assertThat(markers.advance(thread.id(), me.id(), first.id(), at(2))).isEqualTo(new Advance(second.id(), false));
        assertThat(markers.advance(thread.id(), me.id(), second.id(), at(3))).isEqualTo(new Advance(second.id(), false));
        assertThat(markers.findIn(thread.id()).markerOf(me.id())).contains(second.id());

        assertThat(markers.advance(thread.id(), me.id(), third.id(), at(4))).isEqualTo(new Advance(third.id(), true));
        assertThat(markers.findIn(thread.id()).markerOf(me.id())).contains(third.id());
    }

    @Test
    public void both_participants_markers_are_kept_apart_and_decide_seen_by_receiver() {
        Message toMe = send(thread, other, "to me");
        Message toOther = send(thread, me, "to other");
        Message laterToMe = send(thread, other, "later to me");

        markers.advance(thread.id(), me.id(), toOther.id(), at(1));

        ReadState state = markers.findIn(thread.id());
        assertThat(state.markerOf(me.id())).contains(toOther.id());
        assertThat(state.markerOf(other.id())).isEmpty();
        assertThat(state.seen(toMe)).isTrue();
        assertThat(state.seen(toOther)).as("its receiver has read nothing").isFalse();
        assertThat(state.seen(laterToMe)).isFalse();

        markers.advance(thread.id(), other.id(), laterToMe.id(), at(2));
        assertThat(markers.findIn(thread.id()).seen(toOther)).isTrue();
        assertThat(markers.findIn(thread.id()).markers()).containsOnlyKeys(me.id(), other.id());
    }

    @Test
    public void reading_of_a_user_covers_each_of_their_threads_and_no_other() {
        User a = ChatFixtures.addUser(storage.users());
        User b = ChatFixtures.addUser(storage.users());
        User stranger = ChatFixtures.addUser(storage.users());
        ChatThread withA = thread(me, a);
        ChatThread withB = thread(me, b);
        ChatThread silent = thread(me, stranger);
        ChatThread notMine = thread(a, b);
        Message a1 = send(withA, a, "a1");
        send(withA, a, "a2");
        send(withA, me, "to a");
        send(withA, a, "a3");
        Message b1 = send(withB, b, "b1");
        send(notMine, a, "not mine");
        markers.advance(withA.id(), me.id(), a1.id(), at(1));
        markers.advance(withB.id(), b.id(), b1.id(), at(2));

        Map<ThreadId, ThreadReading> reading = markers.findReadingOf(me.id());

        assertThat(reading).doesNotContainKey(notMine.id());
        assertThat(reading.get(withA.id())).isEqualTo(new ThreadReading(new ReadState(Map.of(me.id(), a1.id())), 2));
        assertThat(reading.get(withB.id())).isEqualTo(new ThreadReading(new ReadState(Map.of(b.id(), b1.id())), 1));
        assertThat(reading.getOrDefault(silent.id(), ThreadReading.nothing())).isEqualTo(ThreadReading.nothing());
    }

    @Test
    public void concurrent_marks_end_at_the_greatest_and_none_sees_the_marker_go_back() throws Exception {
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < RACERS * 3; i++) {
            sent.add(send(thread, other, "m" + i));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            List<Future<List<Advance>>> results = new ArrayList<>();
            for (int racer = 0; racer < RACERS; racer++) {
                int offset = racer;
                Callable<List<Advance>> marking = () -> {
                    start.await();
                    List<Advance> seen = new ArrayList<>();
                    // Every racer marks ids in its own order: some climb, some fall.
                    for (int i = 0; i < sent.size(); i++) {
                        int index = offset % 2 == 0 ? (i + offset) % sent.size() : sent.size() - 1 - ((i + offset) % sent.size());
                        MessageId upTo = sent.get(index).id();
                        Advance advance = markers.advance(thread.id(), me.id(), upTo, at(i));
                        assertThat(advance.marker()).isGreaterThanOrEqualTo(upTo);
                        seen.add(advance);
                    }
                    return seen;
                };
                results.add(pool.submit(marking));
            }
            start.countDown();
            MessageId greatest = sent.get(sent.size() - 1).id();
            int movesToGreatest = 0;
            for (Future<List<Advance>> result : results) {
                MessageId previous = null;
                for (Advance advance : result.get(60, TimeUnit.SECONDS)) {
                    if (previous != null) {
                        assertThat(advance.marker()).as("one caller never sees the marker go back")
                                .isGreaterThanOrEqualTo(previous);
                    }
                    previous = advance.marker();
                    if (advance.moved() && advance.marker().equals(greatest)) {
                        movesToGreatest++;
                    }
                }
            }
            assertThat(markers.findIn(thread.id()).markerOf(me.id())).contains(greatest);
            assertThat(movesToGreatest).as("exactly one call moved the marker to the greatest id").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void unread_counts_stay_right_under_concurrent_sends_and_marks() throws Exception {
        send(thread, other, "before the race");
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int sender = 0; sender < 2; sender++) {
                int which = sender;
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        send(thread, which == 0 ? other : me, "c" + which + "-" + i);
                    }
                    return null;
                }));
            }
            workers.add(pool.submit(() -> {
                // The reader marks whatever is newest while messages keep arriving (at least once), and reads its count.
                do {
                    List<Message> newest = storage.messages().findInThread(thread.id(), MessageRange.newest(), 1);
                    markers.advance(thread.id(), me.id(), newest.get(0).id(), at(0));
                    assertThat(markers.findReadingOf(me.id()).get(thread.id()).unreadCount()).isNotNegative();
                } while (sending.get());
                return null;
            }));
            workers.get(0).get(60, TimeUnit.SECONDS);
            workers.get(1).get(60, TimeUnit.SECONDS);
            sending.set(false);
            workers.get(2).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        MessageId marker = markers.findIn(thread.id()).markerOf(me.id()).orElseThrow();
        long expected = storage.messages().findInThread(thread.id(), MessageRange.newest(), 1_000).stream()
                .filter(message -> message.receiver().equals(me.id()) && message.id().compareTo(marker) > 0)
                .count();
        assertThat(markers.findReadingOf(me.id()).get(thread.id()).unreadCount()).isEqualTo(expected);
        Message last = storage.messages().findInThread(thread.id(), MessageRange.newest(), 1).get(0);
        markers.advance(thread.id(), me.id(), last.id(), at(1));
        assertThat(markers.findReadingOf(me.id()).get(thread.id()).unreadCount()).isZero();
        assertThat(markers.findReadingOf(other.id()).get(thread.id()).unreadCount()).isEqualTo(40);
        assertThat(expected).isBetween(0L, 41L);
    }

    private ChatThread thread(User a, User b) {
        return storage.threads().getOrCreate(Participants.of(a.id(), b.id()), ChatFixtures.T0);
    }

    private Message send(ChatThread thread, User sender, String text) {
        return storage.messages().append(thread.compose(sender.id(), new MessageContent.Text(text), ChatFixtures.T0));
    }

    private static Instant at(int seconds) {
        return ChatFixtures.T0.plusSeconds(seconds);
    }
}
