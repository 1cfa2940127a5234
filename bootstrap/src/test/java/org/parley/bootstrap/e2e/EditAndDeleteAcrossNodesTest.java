package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Edits and deletions (contract §12) on two nodes that share one database and one Redis bus, whatever the run (H2 or
 * PostgreSQL; needs the shared Redis, skipped without it): a change asked of one node reaches the connections of both
 * participants on the other node, through {@code BusCodec}'s items, and the REST answer of either node agrees.
 */
class EditAndDeleteAcrossNodesTest {

    @RegisterExtension
    static final TwoNodes NODES = TwoNodes.onOneBus();
    private final String wsA = NODES.wsBase(0);
    private final String wsB = NODES.wsBase(1);
    private final HttpApi apiA = NODES.api(0);
    private final HttpApi apiB = NODES.api(1);

    @Test
    void aChangeAskedOfOneNodeReachesBothParticipantsOnTheOther() {
        People people = new People(apiA);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket aliceOnA = ChatSocket.connect(wsA, alice.access());
             ChatSocket aliceOnB = ChatSocket.connect(wsB, alice.access());
             ChatSocket bobOnB = ChatSocket.connect(wsB, bob.access())) {
            aliceOnA.send(Frames.text(bob.id(), "helo"));
            long id = bobOnB.next().get("created_msg_id").asLong();
            aliceOnA.next();
            aliceOnB.next();

            // An edit asked of node A, over the websocket: node B's connections of both people are told.
            aliceOnA.send(Map.of("action", "edit_message", "message_id", id, "message_body", "hello",
                    "client_msg_id", "e-1"));
            JsonNode edited = bobOnB.next();
            assertThat(edited.get("action").asText()).isEqualTo("message_edited");
            assertThat(edited.get("message").asText()).isEqualTo("hello");
            assertThat(edited.has("client_msg_id")).isFalse();
            JsonNode editedOnB = aliceOnB.next();
            assertThat(editedOnB.get("client_msg_id").asText()).isEqualTo("e-1");
            assertThat(editedOnB.get("edited_at")).isEqualTo(edited.get("edited_at"));
            assertThat(aliceOnA.next()).isEqualTo(editedOnB);
            JsonNode seenOnB = apiB.get("/chat/messages/" + alice.id() + "/", bob.access()).data().get("messages")
                    .get(0);
            assertThat(seenOnB.get("message").asText()).isEqualTo("hello");
            assertThat(seenOnB.get("edited").booleanValue()).isTrue();

            // A deletion asked of node B, over REST: node A's connection of Alice is told too.
            HttpApi.Reply deleted = apiB.send(apiB.request("/chat/message/" + id + "/", alice.access()).DELETE());
            assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
            JsonNode toAliceOnA = aliceOnA.next();
            assertThat(toAliceOnA.get("action").asText()).isEqualTo("message_deleted");
            assertThat(toAliceOnA.get("message_id").asLong()).isEqualTo(id);
            assertThat(bobOnB.next()).isEqualTo(toAliceOnA);
            assertThat(aliceOnB.next()).isEqualTo(toAliceOnA);
            JsonNode tombstoneOnA = apiA.get("/chat/messages/" + bob.id() + "/", alice.access()).data()
                    .get("messages").get(0);
            assertThat(tombstoneOnA).isEqualTo(deleted.data());
            assertThat(tombstoneOnA.get("deleted").booleanValue()).isTrue();
            assertThat(tombstoneOnA.get("message").isNull()).isTrue();

            // Editing it now is refused on either node.
            aliceOnB.send(Map.of("action", "edit_message", "message_id", id, "message_body", "back"));
            assertThat(aliceOnB.next().get("code").asText()).isEqualTo("validation_error");
        }
    }
}
