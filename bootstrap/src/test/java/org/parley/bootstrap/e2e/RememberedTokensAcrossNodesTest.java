package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract §18 with tokens every node has already checked (so each node's JwtTokens remembers them): a user
 * deactivated through one node is refused on the other within a second, on REST (the same 401 as a token never seen)
 * and at the websocket handshake, their open connection there is closed with 4401, and a reactivation lets the very
 * same token in again on both. Needs the shared Redis (skipped otherwise).
 */
class RememberedTokensAcrossNodesTest {

    @RegisterExtension
    static final TwoNodes NODES = TwoNodes.onOneBus();

    @Test
    void aDeactivationThroughOneNodeRefusesTheRememberedTokenOnTheOtherWithinASecond() throws Exception {
        People people = new People(NODES.api(0));
        String alice = UUID.randomUUID().toString();
        String email = alice + "@backend.example";
        people.upsertFromBackend(alice, email, "Alice", true);
        String token = People.mintAccess(alice);
        for (int node = 0; node < 2; node++) {
            try (ChatSocket checked = ChatSocket.connect(NODES.wsBase(node), token)) {
                assertThat(NODES.api(node).get("/chat/user/threads/", token).status()).isEqualTo(200);
            }
        }
        try (ChatSocket open = ChatSocket.connect(NODES.wsBase(1), token)) {
            people.upsertFromBackend(alice, email, "Alice", false);
            long deactivated = System.nanoTime();

            HttpApi.Reply refused = NODES.api(1).get("/auth/me/", token);
            while (refused.status() == 200 && System.nanoTime() - deactivated < 1_000_000_000L) {
                Thread.sleep(20);
                refused = NODES.api(1).get("/auth/me/", token);
            }
            assertThat(refused.status()).as("refused on the other node within a second").isEqualTo(401);
            HttpApi.Reply fresh = NODES.api(1).get("/auth/me/", People.mintAccess(alice));
            assertThat(refused.raw()).isEqualTo(fresh.raw());
            assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(open.awaitClose().code()).isEqualTo(4401);
            for (int node = 0; node < 2; node++) {
                String ws = NODES.wsBase(node);
                assertThat(NODES.api(node).get("/chat/user/threads/", token).status()).isEqualTo(401);
                assertThatThrownBy(() -> ChatSocket.connect(ws, token))
                        .isInstanceOfSatisfying(ChatSocket.HandshakeRefused.class,
                                handshake -> assertThat(handshake.status()).isEqualTo(401));
            }
        }

        people.upsertFromBackend(alice, email, "Alice", true);
        for (int node : List.of(0, 1)) {
            HttpApi.Reply again = NODES.api(node).get("/auth/me/", token);
            long reactivated = System.nanoTime();
            while (again.status() != 200 && System.nanoTime() - reactivated < 1_000_000_000L) {
                Thread.sleep(20);
                again = NODES.api(node).get("/auth/me/", token);
            }
            assertThat(again.data().get("id").asText()).isEqualTo(alice);
        }
    }
}
