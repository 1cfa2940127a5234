package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.in.ListMyThreads.ThreadSummary;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ReadState;
import org.parley.domain.user.User;

class ListMyThreadsServiceTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final InMemoryReadMarkerRepository markers =
            new InMemoryReadMarkerRepository(storage.threads(), storage.messages());
    private final ListMyThreads service = new ListMyThreadsService(storage.users(), storage.threads(), markers);
    private final User me = ChatFixtures.addUser(storage.users());

    @Test
    void a_user_without_threads_has_none() {
        assertThat(service.list(me.id())).isEmpty();
    }

    @Test
    void lists_my_threads_by_latest_activity_with_both_people_expanded() {
        User bob = ChatFixtures.addUser(storage.users());
        User carol = ChatFixtures.addUser(storage.users());
        User dave = ChatFixtures.addUser(storage.users());
        ChatThread withBob = thread(me, bob);
        ChatThread withCarol = thread(me, carol);
        ChatThread withDave = thread(me, dave);
        send(withBob, bob, "old news", 1);
        Message latest = send(withCarol, me, "latest", 2);
        Message bobsLast = send(withBob, me, "later", 3);
        Message carolsLast = send(withCarol, carol, "even later", 4);
        ChatThread notMine = thread(bob, carol);
        send(notMine, bob, "private", 5);

        List<ThreadSummary> summaries = service.list(me.id());

        assertThat(latest.id()).isLessThan(carolsLast.id());
        assertThat(summaries).containsExactly(
                new ThreadSummary(withCarol, me, carol, Optional.of(carolsLast), ReadState.none(), 1),
                new ThreadSummary(withBob, me, bob, Optional.of(bobsLast), ReadState.none(), 1),
                new ThreadSummary(withDave, me, dave, Optional.empty(), ReadState.none(), 0));
    }

    @Test
    void the_other_participant_sees_the_thread_from_their_side() {
        User bob = ChatFixtures.addUser(storage.users());
        ChatThread withBob = thread(me, bob);
        Message last = send(withBob, me, "hi", 1);

        assertThat(service.list(bob.id())).containsExactly(
                new ThreadSummary(withBob, bob, me, Optional.of(last), ReadState.none(), 1));
    }

    @Test
    void each_thread_carries_my_unread_count_and_whether_its_last_message_was_seen_by_its_receiver() {
        User bob = ChatFixtures.addUser(storage.users());
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread withBob = thread(me, bob);
        ChatThread withCarol = thread(me, carol);
        Message first = send(withBob, bob, "one", 1);
        send(withBob, bob, "two", 2);
        send(withBob, me, "mine", 3);
        Message bobsLast = send(withBob, bob, "three", 4);
        Message toCarol = send(withCarol, me, "hello carol", 5);
        markers.advance(withBob.id(), me.id(), first.id(), ChatFixtures.T0);
        markers.advance(withCarol.id(), carol.id(), toCarol.id(), ChatFixtures.T0);

        List<ThreadSummary> summaries = service.list(me.id());

        ThreadSummary carols = summaries.get(0);
        ThreadSummary bobs = summaries.get(1);
        assertThat(carols.thread()).isEqualTo(withCarol);
        assertThat(carols.unreadCount()).isZero();
        assertThat(carols.lastMessageSeen()).as("Carol has read my message").isTrue();
        assertThat(bobs.lastMessage()).contains(bobsLast);
        assertThat(bobs.unreadCount()).as("two of Bob's three messages lie above my marker").isEqualTo(2);
        assertThat(bobs.lastMessageSeen()).isFalse();
    }

    @Test
    void the_list_asks_the_read_markers_once_whatever_the_number_of_threads() {
        for (int i = 0; i < 5; i++) {
            User other = ChatFixtures.addUser(storage.users());
            send(thread(me, other), other, "hi " + i, i);
        }
        int before = markers.calls();

        assertThat(service.list(me.id())).hasSize(5);

        assertThat(markers.calls() - before).isEqualTo(1);
    }

    private ChatThread thread(User a, User b) {
        return storage.threads().getOrCreate(Participants.of(a.id(), b.id()), ChatFixtures.T0);
    }

    private Message send(ChatThread thread, User sender, String text, int seconds) {
        return storage.messages().append(
                thread.compose(sender.id(), new MessageContent.Text(text), ChatFixtures.T0.plusSeconds(seconds)));
    }
}
