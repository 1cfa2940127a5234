package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.User;

/** {@link MarkSeenService} on the in-memory fakes: contract §11's read marker, its refusals and who is told. */
class MarkSeenServiceTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final InMemoryReadMarkerRepository markers =
            new InMemoryReadMarkerRepository(storage.threads(), storage.messages());
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final ManualTimeSource time = new ManualTimeSource();
    private final MarkSeen markSeen = new MarkSeenService(storage.messages(), markers, delivery, time);
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());
    private final ChatThread thread =
            storage.threads().getOrCreate(Participants.of(alice.id(), bob.id()), ChatFixtures.T0);

    @Test
    void the_receiver_marks_a_message_read_and_both_sides_are_told() {
        Message hello = send(alice, "hello");
        time.advance(Duration.ofSeconds(5));

        MarkSeen.Marked marked = markSeen.mark(command(bob, hello.id(), Optional.empty(), "r1"));

        assertThat(marked).isEqualTo(new MarkSeen.Marked(thread.id(), hello.id()));
        assertThat(markers.findIn(thread.id()).seen(hello)).isTrue();
        assertThat(delivery.readMarkers()).containsExactly(new MessageSeen(thread.id(), bob.id(), hello.id(),
                time.now(), List.of(new Delivery(alice.id(), Audience.RECEIVER), new Delivery(bob.id(), Audience.SENDER)),
                Optional.of(new ClientMessageId("r1"))));
    }

    @Test
    void the_sender_may_mark_their_own_message_which_moves_only_their_marker() {
        Message hello = send(alice, "hello");

        markSeen.mark(command(alice, hello.id(), Optional.empty(), null));

        assertThat(markers.findIn(thread.id()).markerOf(alice.id())).contains(hello.id());
        assertThat(markers.findIn(thread.id()).seen(hello)).as("its receiver, Bob, has not read it").isFalse();
    }

    @Test
    void a_marker_never_moves_back_and_an_older_mark_is_acknowledged_to_the_reader_alone() {
        Message first = send(alice, "one");
        Message second = send(alice, "two");
        markSeen.mark(command(bob, second.id(), Optional.empty(), null));
        delivery.clear();

        MarkSeen.Marked older = markSeen.mark(command(bob, first.id(), Optional.empty(), "late"));

        assertThat(older.marker()).isEqualTo(second.id());
        MessageSeen told = delivery.readMarkers().get(0);
        assertThat(told.upTo()).isEqualTo(second.id());
        assertThat(told.deliveries()).containsExactly(new Delivery(bob.id(), Audience.SENDER));
        assertThat(told.clientMessageId()).contains(new ClientMessageId("late"));
    }

    @Test
    void unknown_messages_and_messages_of_other_peoples_threads_are_not_found_and_tell_nobody() {
        User carol = ChatFixtures.addUser(storage.users());
        Message hello = send(alice, "hello");

        assertThatThrownBy(() -> markSeen.mark(command(carol, hello.id(), Optional.empty(), null)))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> markSeen.mark(command(bob, new MessageId(hello.id().value() + 1000),
                Optional.empty(), null))).isInstanceOf(NotFound.class);

        assertThat(delivery.delivered()).isEmpty();
        assertThat(markers.findIn(thread.id()).markers()).isEmpty();
    }

    @Test
    void a_message_of_another_thread_than_the_one_named_is_not_found() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread withCarol = storage.threads().getOrCreate(Participants.of(bob.id(), carol.id()), ChatFixtures.T0);
        Message hello = send(alice, "hello");

        assertThatThrownBy(() -> markSeen.mark(command(bob, hello.id(), Optional.of(withCarol.id()), null)))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> markSeen.mark(command(bob, hello.id(), Optional.of(new ThreadId(999_999)), null)))
                .isInstanceOf(NotFound.class);
        assertThat(markSeen.mark(command(bob, hello.id(), Optional.of(thread.id()), null)).thread())
                .isEqualTo(thread.id());
    }

    private Message send(User sender, String text) {
        return storage.messages().append(thread.compose(sender.id(), new MessageContent.Text(text), time.now()));
    }

    private static MarkSeen.Command command(User reader, MessageId message, Optional<ThreadId> inThread,
                                            String clientMessageId) {
        return new MarkSeen.Command(reader.id(), message, inThread,
                Optional.ofNullable(clientMessageId).map(ClientMessageId::new));
    }
}
