package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §11 across two nodes on one database and one Redis bus (contract §18): a {@code seen} frame sent to node A
 * reaches the other participant and the reader's other device on node B exactly once, the REST form through node B
 * reaches node A, and both nodes answer the same read state. Needs the shared Redis (skipped otherwise); on H2 the two
 * nodes share the embedded database, in the PostgreSQL run a throwaway PostgreSQL database.
 */
class ReadStateAcrossNodesTest {

    private static final Duration QUIET = Duration.ofMillis(500);

    @RegisterExtension
    static final TwoNodes NODES = TwoNodes.onOneBus();
    private final String wsA = NODES.wsBase(0);
    private final String wsB = NODES.wsBase(1);
    private final HttpApi httpA = NODES.api(0);
    private final HttpApi httpB = NODES.api(1);

    @Test
    void seenMessagesReachEveryConnectionOfBothSidesOnEitherNodeOnce() {
        People people = new People(httpA);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket aliceOnA = ChatSocket.connect(wsA, alice.access());
             ChatSocket bobOnA = ChatSocket.connect(wsA, bob.access());
             ChatSocket bobOnB = ChatSocket.connect(wsB, bob.access())) {
            aliceOnA.send(Frames.text(bob.id(), "across", "m-1"));
            long message = aliceOnA.next().get("created_msg_id").asLong();
            for (ChatSocket bobsDevice : List.of(bobOnA, bobOnB)) {
                assertThat(bobsDevice.next().get("created_msg_id").asLong()).isEqualTo(message);
            }

            bobOnA.send(Map.of("action", "seen", "message_id", message, "client_msg_id", "s-1"));

            JsonNode toAlice = aliceOnA.next();
            assertThat(toAlice.get("action").asText()).isEqualTo("seen_message");
            assertThat(toAlice.get("reader_id").asText()).isEqualTo(bob.id());
            assertThat(toAlice.get("message_id").asLong()).isEqualTo(message);
            for (ChatSocket bobsDevice : List.of(bobOnA, bobOnB)) {
                JsonNode ack = bobsDevice.next();
                assertThat(ack.get("action").asText()).isEqualTo("seen_message");
                assertThat(ack.get("client_msg_id").asText()).isEqualTo("s-1");
                assertThat(ack.get("timestamp")).isEqualTo(toAlice.get("timestamp"));
            }
            for (ChatSocket device : List.of(aliceOnA, bobOnA, bobOnB)) {
                assertThat(device.poll(QUIET)).as("exactly once on each connection").isNull();
            }
        }
    }

    @Test
    void theRestFormThroughOneNodeReachesTheOtherAndBothNodesAnswerTheSameReadState() {
        People people = new People(httpB);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket aliceOnA = ChatSocket.connect(wsA, alice.access());
             ChatSocket bobOnA = ChatSocket.connect(wsA, bob.access())) {
            aliceOnA.send(Frames.text(bob.id(), "one", "m-1"));
            aliceOnA.next();
            bobOnA.next();
            aliceOnA.send(Frames.text(bob.id(), "two", "m-2"));
            long second = aliceOnA.next().get("created_msg_id").asLong();
            bobOnA.next();
            JsonNode thread = httpA.get("/chat/user/threads/", bob.access()).data().get(0);
            assertThat(thread.get("unread_count").asLong()).isEqualTo(2);

            HttpApi.Reply marked = httpB.post("/chat/thread/" + thread.get("id").asLong() + "/seen/",
                    Map.of("message_id", second), bob.access());

            assertThat(marked.status()).as(marked.raw()).isEqualTo(200);
            for (ChatSocket onA : List.of(aliceOnA, bobOnA)) {
                JsonNode frame = onA.next();
                assertThat(frame.get("action").asText()).isEqualTo("seen_message");
                assertThat(frame.get("message_id").asLong()).isEqualTo(second);
            }
            for (HttpApi node : List.of(httpA, httpB)) {
                assertThat(node.get("/chat/user/threads/", bob.access()).data().get(0).get("unread_count").asLong())
                        .isZero();
                JsonNode history = node.get("/chat/messages/" + bob.id() + "/", alice.access()).data().get("messages");
                assertThat(history).extracting(message -> message.get("seen").asBoolean()).containsExactly(true, true);
            }
        }
    }
}
