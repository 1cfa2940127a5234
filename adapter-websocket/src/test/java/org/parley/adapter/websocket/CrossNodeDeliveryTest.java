package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.SendBudget;
import org.parley.application.service.AnnounceFileMessageService;
import org.parley.application.service.LinkToAttachmentService;
import org.parley.application.service.SendTextMessageService;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.FakeLinkSigner;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.MessageWriters;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;

/**
 * The delivery seam holds for a bus across nodes (issue 12's Redis bus), before any bus exists: two nodes share the
 * storage, each with its own registry of connections and its own {@link WebSocketDelivery}, and a test double of a bus
 * wraps each node's delivery — it implements {@link EventDelivery} too, and hands every event published on any node to
 * every node's local delivery, on its own thread as a subscriber would. The use cases are the real ones, unchanged;
 * an event carries everything its frames need, so the node that renders it (here not the node that raised it) asks
 * nobody anything, not even for the attachment link.
 */
class CrossNodeDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final ManualTimeSource time = new ManualTimeSource();
    private final LoopbackBus bus = new LoopbackBus();
    private final Node nodeA = new Node();
    private final Node nodeB = new Node();
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());

    @AfterEach
    void stop() {
        nodeA.writer.close();
        nodeB.writer.close();
        bus.close();
    }

    @Test
    void aMessageSentOnOneNodeReachesItsReceiverOnAnotherAndIsConfirmedOnBoth() throws Exception {
        FakeSession aliceOnA = nodeA.connect(alice);
        FakeSession aliceOnB = nodeB.connect(alice);
        FakeSession bobOnB = nodeB.connect(bob);

        Message sent = nodeA.sendText.send(new SendTextMessage.Command(alice.id(), bob.id(), "across nodes",
                Optional.empty())).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS).message();

        await(() -> bobOnB.sent.size() == 1 && aliceOnA.sent.size() == 1 && aliceOnB.sent.size() == 1);
        JsonNode re = JSON.readTree(bobOnB.sent.get(0));
        assertThat(re.get("action").asText()).isEqualTo("re_message");
        assertThat(re.get("message").asText()).isEqualTo("across nodes");
        assertThat(re.get("created_msg_id").asLong()).isEqualTo(sent.id().value());
        assertThat(JSON.readTree(aliceOnA.sent.get(0)).get("action").asText()).isEqualTo("conf_message");
        assertThat(aliceOnB.sent.get(0)).as("the same frame on every node").isEqualTo(aliceOnA.sent.get(0));
        assertThat(bus.published).hasSize(1);
    }

    @Test
    void anAnnouncedFileIsRenderedWithItsSignedLinkOnTheReceiversNode() throws Exception {
        Message file = storage.messages().append(storage.threads()
                .getOrCreate(Participants.of(alice.id(), bob.id()), time.now())
                .compose(alice.id(), new MessageContent.File("notes",
                        new Attachment("0123abcd", "notes.txt", 12, "text/plain")), time.now()));
        FakeSession bobOnB = nodeB.connect(bob);

        nodeA.announceFile.announce(new AnnounceFileMessage.Command(alice.id(), file.id(), Optional.empty()));

        await(() -> bobOnB.sent.size() == 1);
        JsonNode re = JSON.readTree(bobOnB.sent.get(0));
        assertThat(re.get("attached_file").asText()).startsWith("/media/" + file.id().value() + "/signed");
        assertThat(re.get("attached_file_name").asText()).isEqualTo("notes.txt");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for frames").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** One Parley node: its own connections and delivery, wrapped by the bus; the use cases as bootstrap builds them. */
    private final class Node {
        final ConnectionRegistry connections = new ConnectionRegistry();
        final EventDelivery delivery = bus.wrap(new WebSocketDelivery(connections, TestServer.SEED_FRAMES));
        final MessageWriter writer = MessageWriters.start(storage.messages(), delivery);
        final SendTextMessage sendText = new SendTextMessageService(storage.users(), storage.threads(), writer,
                MessageRules.defaults(), time, SendBudget.unlimited());
        final AnnounceFileMessage announceFile = new AnnounceFileMessageService(storage.messages(), delivery,
                new LinkToAttachmentService(new FakeLinkSigner(), Duration.ofHours(1), time), SendBudget.unlimited());

        FakeSession connect(User user) {
            FakeSession session = new FakeSession();
            connections.add(new LiveConnection(user.id(), session.session, System.nanoTime()));
            return session;
        }
    }

    /**
     * A bus between nodes, in memory: publishing hands the event to one subscriber thread, which gives it to the local
     * delivery of every node. A real bus would also serialize the event; that it carries everything a frame needs is
     * what makes that possible.
     */
    private static final class LoopbackBus implements AutoCloseable {
        final List<OutboundEvent> published = new CopyOnWriteArrayList<>();
        private final List<EventDelivery> locals = new CopyOnWriteArrayList<>();
        private final ExecutorService subscriber = Executors.newSingleThreadExecutor();

        /** The delivery a node's use cases get: it publishes; {@code local} receives what any node published. */
        EventDelivery wrap(EventDelivery local) {
            locals.add(local);
            return event -> {
                published.add(event);
                subscriber.execute(() -> locals.forEach(node -> node.deliver(event)));
            };
        }

        @Override
        public void close() {
            subscriber.shutdownNow();
        }
    }
}
