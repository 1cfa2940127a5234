package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.port.in.ListMyThreads;
import org.parley.application.port.in.ListMyThreads.ThreadSummary;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;

class ListMyThreadsServiceTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final ListMyThreads service = new ListMyThreadsService(storage.users(), storage.threads());
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
                new ThreadSummary(withCarol, me, carol, Optional.of(carolsLast)),
                new ThreadSummary(withBob, me, bob, Optional.of(bobsLast)),
                new ThreadSummary(withDave, me, dave, Optional.empty()));
    }

    @Test
    void the_other_participant_sees_the_thread_from_their_side() {
        User bob = ChatFixtures.addUser(storage.users());
        ChatThread withBob = thread(me, bob);
        Message last = send(withBob, me, "hi", 1);

        assertThat(service.list(bob.id())).containsExactly(new ThreadSummary(withBob, bob, me, Optional.of(last)));
    }

    private ChatThread thread(User a, User b) {
        return storage.threads().getOrCreate(Participants.of(a.id(), b.id()), ChatFixtures.T0);
    }

    private Message send(ChatThread thread, User sender, String text, int seconds) {
        return storage.messages().append(
                thread.compose(sender.id(), new MessageContent.Text(text), ChatFixtures.T0.plusSeconds(seconds)));
    }
}
