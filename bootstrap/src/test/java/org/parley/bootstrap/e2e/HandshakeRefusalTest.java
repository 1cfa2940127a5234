package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/** Contract §4: a bad token or user is refused at the handshake with HTTP 401, before any frame. */
class HandshakeRefusalTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private static Person alice;
    private static People people;

    @BeforeAll
    static void aUser() {
        people = new People(new HttpApi(SERVER.httpBase()));
        alice = people.register("Alice");
    }

    private static URI withToken(String token) {
        return URI.create(SERVER.wsBase() + "/ws/chat/room/?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private static void assertRefusedWith401(URI uri, String authorization) {
        Throwable refusal = catchThrowable(() -> ChatSocket.connect(uri, authorization).close());
        assertThat(refusal).isInstanceOf(ChatSocket.HandshakeRefused.class);
        assertThat(((ChatSocket.HandshakeRefused) refusal).status()).isEqualTo(401);
    }

    @Test
    void aMissingTokenIsRefused() {
        assertRefusedWith401(URI.create(SERVER.wsBase() + "/ws/chat/room/"), null);
    }

    @Test
    void aMalformedTokenIsRefused() {
        assertRefusedWith401(withToken("not.a.jwt"), null);
    }

    @Test
    void anExpiredTokenIsRefused() {
        assertRefusedWith401(withToken(People.mint(alice.id(), "access", Instant.now().minusSeconds(60), RunningParley.JWT_SECRET)), null);
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        assertRefusedWith401(withToken(People.mint(alice.id(), "access", Instant.now().plusSeconds(600),
                "another-secret-that-is-long-enough-for-hs256")), null);
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = base64.encodeToString(("{\"token_type\":\"access\",\"user_id\":\"" + alice.id()
                + "\",\"exp\":" + Instant.now().plusSeconds(600).getEpochSecond() + ",\"jti\":\"x\"}").getBytes(StandardCharsets.UTF_8));
        assertRefusedWith401(withToken(header + "." + payload + "."), null);
    }

    @Test
    void aRefreshTokenIsRefused() {
        assertRefusedWith401(withToken(alice.refresh()), null);
    }

    @Test
    void aTokenForAnUnknownUserIsRefused() {
        assertRefusedWith401(withToken(People.mintAccess(UUID.randomUUID().toString())), null);
    }

    @Test
    void aTokenForAnInactiveUserIsRefused() {
        String id = UUID.randomUUID().toString();
        people.upsertFromBackend(id, "inactive-" + id + "@example.com", "Gone", false);
        assertRefusedWith401(withToken(People.mintAccess(id)), null);
    }

    @Test
    void theAuthorizationHeaderIsAcceptedToo() {
        try (ChatSocket socket = ChatSocket.connect(URI.create(SERVER.wsBase() + "/ws/chat/room/"), "Bearer " + alice.access())) {
            socket.send("{}");
            JsonNode error = socket.next();
            assertThat(error.get("action").asText()).isEqualTo("error");
        }
    }

    @Test
    void aBadAuthorizationHeaderIsRefused() {
        assertRefusedWith401(URI.create(SERVER.wsBase() + "/ws/chat/room/"), "Bearer nonsense");
    }

    @Test
    void aTokenMintedByABackendWithTheSharedSecretIsAccepted() {
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), People.mintAccess(alice.id()))) {
            socket.send("{}");
            assertThat(socket.next().get("action").asText()).isEqualTo("error");
        }
    }

    @Test
    void aHandshakeWithoutSecWebSocketKeyIsA400() throws Exception {
        URI base = URI.create(SERVER.httpBase());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            String request = "GET /ws/chat/room/?token=" + alice.access() + " HTTP/1.1\r\n"
                    + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(
                    socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 400");
        }
    }
}
