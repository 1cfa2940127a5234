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

    /**
     * The token of a user who was let in a moment ago is remembered as verified (JwtTokens' memo); deactivation must
     * refuse that very token at once anyway, at the handshake and on REST, with the same answers as a fresh token's.
     */
    @Test
    void aTokenAlreadyCheckedIsRefusedOnceItsUserIsDeactivatedAndServedAgainOnceReactivated() {
        String alice = UUID.randomUUID().toString();
        HttpApi api = new HttpApi(SERVER.httpBase());
        people.upsertFromBackend(alice, alice + "@backend.example", "Alice", true);
        String token = People.mintAccess(alice);
        try (ChatSocket checked = ChatSocket.connect(SERVER.wsBase(), token)) {
            assertThat(api.get("/auth/me/", token).status()).isEqualTo(200);
        }
        assertThat(checked(api, token)).isEqualTo(200);

        people.upsertFromBackend(alice, alice + "@backend.example", "Alice", false);

        assertThatThrownBy(() -> ChatSocket.connect(SERVER.wsBase(), token))
                .isInstanceOfSatisfying(ChatSocket.HandshakeRefused.class,
                        refused -> assertThat(refused.status()).isEqualTo(401));
        HttpApi.Reply refused = api.get("/chat/user/threads/", token);
        HttpApi.Reply freshRefused = api.get("/chat/user/threads/", People.mintAccess(alice));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json()).isEqualTo(freshRefused.json());
        assertThat(refused.header("WWW-Authenticate")).isEqualTo(freshRefused.header("WWW-Authenticate"));

        people.upsertFromBackend(alice, alice + "@backend.example", "Alice", true);
        try (ChatSocket again = ChatSocket.connect(SERVER.wsBase(), token)) {
            assertThat(checked(api, token)).isEqualTo(200);
        }
    }

    private static int checked(HttpApi api, String token) {
        return api.get("/chat/user/threads/", token).status();
    }
}
