package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.application.cluster.ConversationOrder;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.RecordingConnections;
import org.parley.application.testing.RecordingConnections.Closing;
import org.parley.application.testing.RecordingConnections.Kind;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.application.testing.RecordingUserChanges;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/**
 * Two nodes wired as bootstrap wires them (the bus in front, the conversation order before the local delivery) on the
 * shared Redis: one conversation whose messages are stored alternately by the two nodes, each node's own message
 * delivered on that node at once, the other's arriving through Redis a moment later. Every node delivers each message
 * exactly once and in the thread's order, and closes nobody. Positions are built here as storage gives them.
 */
class OrderAcrossNodesTest {

    private final List<AutoCloseable> started = new ArrayList<>();
    private final RedisBusSettings settings =
            new RedisBusSettings(RedisForTests.url(), RedisForTests.uniqueChannel(), Duration.ofSeconds(5));
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    @Test
    void aConversationWrittenOnTwoNodesAtOnceIsDeliveredInItsOrderExactlyOnceOnBoth() {
        Node a = new Node();
        Node b = new Node();

        long previous = 0;
        for (long id = 1; id <= 400; id++) {
            // Alice writes on node A and Bob on node B, in turns: node A delivers its message 3 right after storing
            // it, while message 2 from node B is still on its way through Redis.
            (id % 2 == 1 ? a : b).bus.deliver(event(id, previous));
            previous = id;
        }

        List<Long> expected = LongStream.rangeClosed(1, 400).boxed().toList();
        Buses.await("both nodes delivered everything", () -> a.delivered().size() == 400 && b.delivered().size() == 400);
        assertThat(a.delivered()).isEqualTo(expected);
        assertThat(b.delivered()).isEqualTo(expected);
        assertThat(a.connections.closings()).isEmpty();
        assertThat(b.connections.closings()).isEmpty();
    }

    /**
     * A send repeated on node B (the client resent it there with its client_msg_id after node A, which stored it,
     * stopped before publishing it): every node whose order never delivered the message closes its recipients'
     * connections opened before it was stored (plus a margin) to catch up; a repeat of a message delivered everywhere
     * closes nobody, and nothing is delivered again.
     */
    @Test
    void aRepeatedSendClosesTheRecipientsToCatchUpOnTheNodesThatNeverDeliveredItsMessage() {
        Node a = new Node();
        Node b = new Node();
        a.bus.deliver(event(1, 0));
        Buses.await("delivered on both", () -> a.delivered().size() == 1 && b.delivered().size() == 1);

        b.bus.sendRepeated(RepeatedSend.of(event(1, 0)));
        MessageStored neverPublished = event(2, 1);
        b.bus.sendRepeated(RepeatedSend.of(neverPublished));

        List<Closing> catchUps = List.of(
                new Closing(Kind.CATCH_UP, List.of(alice), ChatFixtures.T0.plus(ConversationOrder.REPEAT_MARGIN)),
                new Closing(Kind.CATCH_UP, List.of(bob), ChatFixtures.T0));
        Buses.await("both nodes closed the recipients of 2", () -> a.connections.closings().size() == 2
                && b.connections.closings().size() == 2);
        assertThat(a.connections.closings()).as("1 was delivered: its repeat closes nobody").isEqualTo(catchUps);
        assertThat(b.connections.closings()).isEqualTo(catchUps);
        assertThat(a.delivered()).containsExactly(1L);
        assertThat(b.delivered()).containsExactly(1L);
    }

    private MessageStored event(long id, long previous) {
        UserId sender = id % 2 == 1 ? alice : bob;
        UserId receiver = id % 2 == 1 ? bob : alice;
        Message message = new Message(new MessageId(id), new ThreadId(7), sender, receiver,
                new MessageContent.Text("turn " + id), ChatFixtures.T0, ChatFixtures.T0);
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), Optional.empty(), Optional.empty(),
                Optional.empty(), previous == 0 ? ThreadPosition.first() : ThreadPosition.after(new MessageId(previous)));
    }

    /** A node: its websockets (recorded), the order in front of them, the bus in front of that. */
    private final class Node {
        final RecordingEventDelivery websockets = new RecordingEventDelivery();
        final RecordingConnections connections = new RecordingConnections();
        final ConversationOrder order = ConversationOrder.start(websockets, connections,
                ConversationOrder.Settings.defaults(),
                ConversationOrder.Storage.EMPTY);
        final RedisEventBus bus = RedisEventBus.connect(settings, order, new RecordingUserChanges(),
                order.connections());

        Node() {
            started.add(bus);
            started.add(order);
        }

        List<Long> delivered() {
            return websockets.messagesStored().stream().map(event -> event.message().id().value()).toList();
        }
    }
}
