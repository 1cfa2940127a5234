package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
 * of them: the node that took it knows at once, the other learns it over the bus, so a check that may reach the other
 * node is given {@link #LEARNED_WITHIN_NANOS} (a second, the contract's bound) and on one node none at all.
 */
class UserChangesEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    /** How long after a change made through one node another node may still act on the old state (contract §18). */
    private static final long LEARNED_WITHIN_NANOS = RunningParley.clustered() ? 1_000_000_000L : 0;

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
            long deactivated = System.nanoTime();
            for (String node : nodes) {
                assertHandshakeRefused(node, People.mintAccess(alice), deactivated);
            }
            bobSocket.send(Frames.text(alice, "are you there?"));
            JsonNode refused = bobSocket.next();
            assertThat(refused.get("action").asText()).isEqualTo("error");
            assertThat(refused.get("code").asText()).isEqualTo("invalid_receiver");
            assertThat(bobSocket.isClosed()).as("nobody else is closed").isFalse();
        }

        new People(new HttpApi(SERVER.httpBase())).upsertFromBackend(alice, alice + "@backend.example", "Alice", true);
        long reactivated = System.nanoTime();
        for (String node : nodes) {
            try (ChatSocket again = connectOnceLetIn(node, People.mintAccess(alice), reactivated)) {
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
        long deactivated = System.nanoTime();

        assertHandshakeRefused(SERVER.wsBase(), token, deactivated);
        HttpApi.Reply refused = api.get("/chat/user/threads/", token);
        while (refused.status() == 200 && System.nanoTime() - deactivated < LEARNED_WITHIN_NANOS) {
            pause();
            refused = api.get("/chat/user/threads/", token);
        }
        HttpApi.Reply freshRefused = api.get("/chat/user/threads/", People.mintAccess(alice));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json()).isEqualTo(freshRefused.json());
        assertThat(refused.header("WWW-Authenticate")).isEqualTo(freshRefused.header("WWW-Authenticate"));

        people.upsertFromBackend(alice, alice + "@backend.example", "Alice", true);
        long reactivated = System.nanoTime();
        try (ChatSocket again = connectOnceLetIn(SERVER.wsBase(), token, reactivated)) {
            int status = checked(api, token);
            while (status != 200 && System.nanoTime() - reactivated < LEARNED_WITHIN_NANOS) {
                pause();
                status = checked(api, token);
            }
            assertThat(status).isEqualTo(200);
        }
    }

    /** The handshake is refused with 401, at the latest {@link #LEARNED_WITHIN_NANOS} after the deactivation. */
    private static void assertHandshakeRefused(String wsBase, String token, long deactivatedNanos) {
        while (true) {
            try (ChatSocket letIn = ChatSocket.connect(wsBase, token)) {
                assertThat(System.nanoTime() - deactivatedNanos)
                        .as("let in on %s after the deactivation", wsBase).isLessThan(LEARNED_WITHIN_NANOS);
            } catch (ChatSocket.HandshakeRefused refused) {
                assertThat(refused.status()).isEqualTo(401);
                return;
            }
            pause();
        }
    }

    /** A connection let in, at the latest {@link #LEARNED_WITHIN_NANOS} after the reactivation. */
    private static ChatSocket connectOnceLetIn(String wsBase, String token, long reactivatedNanos) {
        while (true) {
            try {
                return ChatSocket.connect(wsBase, token);
            } catch (ChatSocket.HandshakeRefused refused) {
                if (System.nanoTime() - reactivatedNanos >= LEARNED_WITHIN_NANOS) {
                    throw refused;
                }
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int checked(HttpApi api, String token) {
        return api.get("/chat/user/threads/", token).status();
    }
}
