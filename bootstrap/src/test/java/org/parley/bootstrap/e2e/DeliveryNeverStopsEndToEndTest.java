package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Issue 10, finding 1: one frame holding an unpaired UTF-16 surrogate (JSON allows {@code "\ud83d"}; it has no UTF-8
 * form) used to kill the server's one delivery thread, and from then on no user got any frame until a restart. Now the
 * sender gets an answer and everyone else, new connections included, keeps chatting.
 */
class DeliveryNeverStopsEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    /** The escape as the six ASCII characters a client sends, not as a Java character. */
    private static final String UNPAIRED_SURROGATE = "\\ud83d";

    private final People people = new People(new HttpApi(SERVER.httpBase()));

    @Test
    void aFrameWithAnUnpairedSurrogateIsAnsweredAndNobodysDeliveryStops() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person carol = people.register("Carol");
        Person dave = people.register("Dave");
        try (ChatSocket a = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket b = ChatSocket.connect(SERVER.wsBase(), bob.access());
             ChatSocket c = ChatSocket.connect(SERVER.wsBase(), carol.access());
             ChatSocket d = ChatSocket.connect(SERVER.wsBase(), dave.access())) {

            for (int attempt = 1; attempt <= 2; attempt++) {
                a.send("{\"action\":\"text_message\",\"message_body\":\"" + UNPAIRED_SURROGATE
                        + "\",\"receiver_id\":\"" + bob.id() + "\",\"client_msg_id\":\"bad-" + attempt + "\"}");

                // Refused at the entrance (validation_error) or stored but not deliverable (internal_error): either
                // way an answer, never silence.
                JsonNode answer = a.next();
                assertThat(answer.get("action").asText()).as(answer.toString()).isIn("conf_message", "error");
            }

            assertChat(c, carol, d, dave, "bystanders still chat");
            assertChat(d, dave, c, carol, "in both directions");
            assertChat(a, alice, b, bob, "the pair itself too");
            assertChat(b, bob, a, alice, "and back");

            Person erin = people.register("Erin");
            try (ChatSocket e = ChatSocket.connect(SERVER.wsBase(), erin.access());
                 ChatSocket a2 = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
                assertChat(e, erin, a2, alice, "a new connection chats");
                assertThat(a.next().get("message").asText()).as("alice's first device too").isEqualTo("a new connection chats");
            }
        }
    }

    /** {@code from} sends {@code to} a message: {@code to} receives it and {@code from} gets its confirmation. */
    private static void assertChat(ChatSocket from, Person sender, ChatSocket to, Person receiver, String body) {
        from.send(Frames.text(receiver.id(), body));
        JsonNode received = to.next();
        assertThat(received.get("action").asText()).isEqualTo("re_message");
        assertThat(received.get("sender_id").asText()).isEqualTo(sender.id());
        assertThat(received.get("message").asText()).isEqualTo(body);
        JsonNode confirmed = from.next();
        assertThat(confirmed.get("action").asText()).isEqualTo("conf_message");
        assertThat(confirmed.get("message").asText()).isEqualTo(body);
    }
}
