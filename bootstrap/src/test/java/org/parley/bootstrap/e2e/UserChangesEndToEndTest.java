package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * A user deactivated by the backend (admin API) is cut off at once: every open connection is closed with 4401, and a
 * new handshake is refused, on every node (contract §18: within a second; the user caches learn it through the bus,
 * not by expiring). In cluster mode the user's two devices are on different nodes, and the admin request reaches one
 * of them.
 */
class UserChangesEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private final People people = new People(new HttpApi(SERVER.httpBase()));

    @Test
    void aDeactivatedUserIsClosedWith4401AndRefusedEverywhereUntilReactivated() {
        String alice = UUID.randomUUID().toString();
        people.upsertFromBackend(alice, alice + "@backend.example", "Alice", true);
        Person bob = people.register("Bob");
        List<String> nodes = List.of(SERVER.wsBase(), SERVER.wsBase());
        try (ChatSocket phone = ChatSocket.connect(nodes.get(0), People.mintAccess(alice));
             ChatSocket laptop = ChatSocket.connect(nodes.get(1), People.mintAccess(alice));
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {

            new People(new HttpApi(SERVER.httpBase()))
                    .upsertFromBackend(alice, alice + "@backend.example", "Alice", false);

            for (ChatSocket device : List.of(phone, laptop)) {
                ChatSocket.Closed closed = device.awaitClose();
                assertThat(closed.code()).isEqualTo(4401);
                assertThat(closed.reason()).isEqualTo("Account deactivated");
            }
            for (String node : nodes) {
                assertThatThrownBy(() -> ChatSocket.connect(node, People.mintAccess(alice)))
                        .as("refused at once on " + node)
                        .isInstanceOfSatisfying(ChatSocket.HandshakeRefused.class,
                                refused -> assertThat(refused.status()).isEqualTo(401));
            }
            bobSocket.send(Frames.text(alice, "are you there?"));
            JsonNode refused = bobSocket.next();
            assertThat(refused.get("action").asText()).isEqualTo("error");
            assertThat(refused.get("code").asText()).isEqualTo("invalid_receiver");
            assertThat(bobSocket.isClosed()).as("nobody else is closed").isFalse();
        }

        new People(new HttpApi(SERVER.httpBase())).upsertFromBackend(alice, alice + "@backend.example", "Alice", true);
        for (String node : nodes) {
            try (ChatSocket again = ChatSocket.connect(node, People.mintAccess(alice))) {
                again.send(Frames.text(bob.id(), "back"));
                assertThat(again.next().get("action").asText()).isEqualTo("conf_message");
            }
        }
    }
}
