package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §14, idempotent sending, with real clients against a running Parley (H2, PostgreSQL, and in cluster mode
 * two nodes on a bus, the connections taking turns between them): a {@code client_msg_id} the sender already used
 * for a stored message stores nothing, the requesting connection gets the original {@code conf_message} again, field
 * for field, and the receiver gets nothing new — on the same connection, after a reconnect, and through a server
 * started after the one that stored the message had stopped. The same key of two senders is two messages.
 */
class IdempotentSendingEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();
    private static final Duration QUIET = Duration.ofMillis(500);

    private HttpApi api;
    private Person alice;
    private Person bob;

    @BeforeEach
    void people() {
        api = new HttpApi(SERVER.httpBase());
        People people = new People(api);
        alice = people.register("Alice");
        bob = people.register("Bob");
    }

    @Test
    void aResendOnTheSameConnectionIsAnsweredWithTheOriginalConfirmationAndDeliversNothing() {
        try (ChatSocket sender = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket receiver = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            Map<String, Object> frame = Frames.text(bob.id(), "hello once", "same-connection-1");
            JsonNode conf = sender.send(frame).next();
            assertThat(conf.get("action").asText()).isEqualTo("conf_message");
            assertThat(receiver.next().get("created_msg_id")).isEqualTo(conf.get("created_msg_id"));

            assertThat(sender.send(frame).next()).isEqualTo(conf);

            assertThat(receiver.poll(QUIET)).as("the receiver gets nothing new").isNull();
            assertThat(sender.poll(QUIET)).isNull();
        }
        assertThat(history()).hasSize(1);
    }

    @Test
    void aResendAfterAReconnectIsAnsweredWithTheOriginalConfirmation() {
        JsonNode conf;
        try (ChatSocket receiver = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            try (ChatSocket before = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
                conf = before.send(Frames.text(bob.id(), "sent before the link dropped", "reconnect-1")).next();
                receiver.next();
            }
            try (ChatSocket after = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
                // "Resend everything unconfirmed after a reconnect": the client never saw the confirmation.
                assertThat(after.send(Frames.text(bob.id(), "sent before the link dropped", "reconnect-1")).next())
                        .isEqualTo(conf);
                assertThat(after.send(Frames.text(bob.id(), "a new one", "reconnect-2")).next()
                        .get("created_msg_id").asLong()).isGreaterThan(conf.get("created_msg_id").asLong());
            }
            assertThat(receiver.next().get("message").asText()).isEqualTo("a new one");
            assertThat(receiver.poll(QUIET)).isNull();
        }
        assertThat(history()).hasSize(2);
    }

    /**
     * The key is kept in the database: a server started after the one that stored the message has stopped (its
     * memory gone) answers the resend with the original confirmation.
     */
    @Test
    void aResendThroughAServerStartedAfterTheStoringOneStoppedIsAnsweredWithTheOriginal() {
        JsonNode conf;
        try (Parley storing = SERVER.startAnotherInstance();
             ChatSocket socket = ChatSocket.connect("ws://127.0.0.1:" + storing.port(), alice.access())) {
            conf = socket.send(Frames.text(bob.id(), "before the restart", "restart-1")).next();
            assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        }
        try (Parley restarted = SERVER.startAnotherInstance();
             ChatSocket socket = ChatSocket.connect("ws://127.0.0.1:" + restarted.port(), alice.access())) {
            assertThat(socket.send(Frames.text(bob.id(), "before the restart", "restart-1")).next()).isEqualTo(conf);
        }
        assertThat(history()).hasSize(1);
    }

    /**
     * The key outlives an edit and a deletion of its message (contract §12 with §14): a resend is confirmed with the
     * message as it is now, the edited text, or the tombstone ({@code message} null, {@code deleted} true), and
     * nothing is stored or delivered.
     */
    @Test
    void aResendOfAnEditedOrDeletedMessageIsConfirmedAsTheMessageIsNow() {
        try (ChatSocket sender = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket receiver = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            JsonNode conf = sender.send(Frames.text(bob.id(), "v1", "changed-1")).next();
            receiver.next();
            long id = conf.get("created_msg_id").asLong();

            sender.send(Map.of("action", "edit_message", "message_id", id, "message_body", "v2"));
            assertThat(sender.next().get("action").asText()).isEqualTo("message_edited");
            assertThat(receiver.next().get("action").asText()).isEqualTo("message_edited");
            JsonNode afterEdit = sender.send(Frames.text(bob.id(), "v1", "changed-1")).next();
            assertThat(afterEdit.get("action").asText()).isEqualTo("conf_message");
            assertThat(afterEdit.get("created_msg_id").asLong()).isEqualTo(id);
            assertThat(afterEdit.get("message").asText()).isEqualTo("v2");

            sender.send(Map.of("action", "delete_message", "message_id", id));
            assertThat(sender.next().get("action").asText()).isEqualTo("message_deleted");
            assertThat(receiver.next().get("action").asText()).isEqualTo("message_deleted");
            JsonNode afterDelete = sender.send(Frames.text(bob.id(), "v1", "changed-1")).next();
            assertThat(afterDelete.get("action").asText()).isEqualTo("conf_message");
            assertThat(afterDelete.get("created_msg_id").asLong()).isEqualTo(id);
            assertThat(afterDelete.get("message").isNull()).isTrue();
            assertThat(afterDelete.get("deleted").asBoolean()).isTrue();
            assertThat(afterDelete.get("client_msg_id").asText()).isEqualTo("changed-1");
            assertThat(receiver.poll(QUIET)).isNull();
        }
        assertThat(history()).hasSize(1);
    }

    @Test
    void theSameKeyOfTwoSendersIsTwoMessagesAndAFrameWithoutAKeyIsAlwaysStored() {
        try (ChatSocket a = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket b = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            JsonNode fromAlice = a.send(Frames.text(bob.id(), "hi", "shared-key")).next();
            assertThat(b.next().get("action").asText()).isEqualTo("re_message");
            JsonNode fromBob = b.send(Frames.text(alice.id(), "hi", "shared-key")).next();
            assertThat(a.next().get("action").asText()).isEqualTo("re_message");
            assertThat(fromBob.get("action").asText()).isEqualTo("conf_message");
            assertThat(fromBob.get("created_msg_id")).isNotEqualTo(fromAlice.get("created_msg_id"));

            for (int i = 0; i < 2; i++) {
                assertThat(a.send(Frames.text(bob.id(), "no key")).next().get("action").asText())
                        .isEqualTo("conf_message");
                assertThat(b.next().get("message").asText()).isEqualTo("no key");
            }
        }
        assertThat(history()).hasSize(4);
    }

    /**
     * Two nodes on one database (in cluster mode also on one bus): the key sent through node A, then through node B,
     * is one message, and both requests are answered with its confirmation; the same key sent through both at once
     * (their batches race to the unique constraint) ends the same way. The receiver, connected to both nodes, gets
     * each message once per connection at most (without a bus, a node delivers only to its own connections).
     */
    @Test
    void theSameKeyThroughTwoNodesOneAfterTheOtherOrAtOnceIsOneMessage() {
        try (Parley nodeB = SERVER.startAnotherInstance();
             ChatSocket senderOnA = ChatSocket.connect("ws://127.0.0.1:" + SERVER.port(), alice.access());
             ChatSocket senderOnB = ChatSocket.connect("ws://127.0.0.1:" + nodeB.port(), alice.access());
             ChatSocket receiverOnA = ChatSocket.connect("ws://127.0.0.1:" + SERVER.port(), bob.access());
             ChatSocket receiverOnB = ChatSocket.connect("ws://127.0.0.1:" + nodeB.port(), bob.access())) {
            JsonNode conf = senderOnA.send(Frames.text(bob.id(), "through A", "two-nodes-1")).next();
            assertThat(receiverOnA.next().get("created_msg_id")).isEqualTo(conf.get("created_msg_id"));
            awaitOnTheOtherNode(senderOnB, receiverOnB, conf);

            assertThat(senderOnB.send(Frames.text(bob.id(), "through A", "two-nodes-1")).next()).isEqualTo(conf);

            Map<String, Object> raced = Frames.text(bob.id(), "through both at once", "two-nodes-2");
            senderOnA.send(raced);
            senderOnB.send(raced);
            JsonNode onA = nextConfirmation(senderOnA, "two-nodes-2");
            JsonNode onB = nextConfirmation(senderOnB, "two-nodes-2");
            assertThat(onB).isEqualTo(onA);

            int received = 0;
            for (ChatSocket receiver : List.of(receiverOnA, receiverOnB)) {
                List<JsonNode> frames = new ArrayList<>();
                for (JsonNode frame = receiver.poll(QUIET); frame != null; frame = receiver.poll(QUIET)) {
                    frames.add(frame);
                }
                assertThat(frames).as("the raced message, once at most per connection").hasSizeLessThanOrEqualTo(1)
                        .allSatisfy(frame -> assertThat(frame.get("created_msg_id")).isEqualTo(onA.get("created_msg_id")));
                received += frames.size();
            }
            assertThat(received).isEqualTo(RunningParley.clustered() ? 2 : 1);
        }
        assertThat(history()).hasSize(2);
    }

    /** In cluster mode the frames of A's message reach B's connections too: take them before going on. */
    private static void awaitOnTheOtherNode(ChatSocket sender, ChatSocket receiver, JsonNode conf) {
        if (RunningParley.clustered()) {
            assertThat(sender.next()).isEqualTo(conf);
            assertThat(receiver.next().get("created_msg_id")).isEqualTo(conf.get("created_msg_id"));
        }
    }

    /**
     * The confirmation of the raced key on one of the sender's connections: its own answer, or (in cluster mode) the
     * echo of the other node's stored message, whichever came first; both are the same frame.
     */
    private static JsonNode nextConfirmation(ChatSocket sender, String clientMsgId) {
        JsonNode frame = sender.next();
        assertThat(frame.get("action").asText()).as(frame.toString()).isEqualTo("conf_message");
        assertThat(frame.get("client_msg_id").asText()).isEqualTo(clientMsgId);
        return frame;
    }

    private JsonNode history() {
        return api.get("/chat/messages/" + bob.id() + "/?limit=200", alice.access()).data().get("messages");
    }
}
