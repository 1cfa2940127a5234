package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.application.error.AuthenticationFailed;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** The chat websocket against a real Grizzly server, driven by the JDK's websocket client. */
class ChatWebSocketTest {

    private static final String TIMESTAMP_SHAPE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}\\+00:00";

    private TestServer server;
    private User alice;
    private User bob;
    private final List<WsClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(WebSocketSettings.defaults());
        alice = server.user("alice");
        bob = server.user("bob");
    }

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        server.close();
    }

    private WsClient connect(User user) {
        WsClient client = server.connect(user);
        clients.add(client);
        return client;
    }

    private static Map<String, Object> text(User to, String body) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("action", "text_message");
        frame.put("message_body", body);
        frame.put("receiver_id", to.id().toString());
        return frame;
    }

    /**
     * Every connection writes its own frames ({@code container.FrameWriter}, no extension negotiated): frames of each
     * length form of the header (7-bit up to 125 bytes, 16-bit up to 65,535, 64-bit above), and UTF-8 beyond ASCII,
     * arrive whole and in order, one framed copy going to each of a user's connections.
     */
    @Test
    void framesAreWrittenByParleyAndArriveWhole() {
        WsClient first = connect(alice);
        WsClient second = connect(alice);
        Set<LiveConnection> connections = server.connections.of(alice.id());
        assertThat(connections).hasSize(2).allMatch(LiveConnection::writesItsOwnFrames);
        String nonAscii = "Zo\u00eb \ud83d\ude00 \u65e5\u672c ";
        List<String> texts = List.of("", "{}", "x".repeat(125), "x".repeat(126), "x".repeat(65_535),
                "x".repeat(65_536), nonAscii.repeat(3), nonAscii.repeat(9_000), "last");

        for (String text : texts) {
            OutgoingFrame frame = OutgoingFrame.of(text);
            connections.forEach(connection -> connection.send(frame, null));
        }

        for (WsClient client : List.of(first, second)) {
            for (String text : texts) {
                assertThat(client.nextRaw()).isEqualTo(text);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (connections.stream().anyMatch(connection -> connection.pendingBytes() != 0)
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(connections).allSatisfy(connection -> assertThat(connection.pendingBytes()).isZero());
    }

    @Test
    void aTextMessageReachesTheReceiverAndIsConfirmedToTheSender() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);

        a.sendJson(text(bob, "hello there"));

        JsonNode re = b.next();
        assertThat(WsClient.fieldNames(re)).containsExactly(
                "sender_id", "receiver_id", "message", "timestamp", "created_msg_id", "message_type", "action");
        assertThat(re.get("sender_id").asText()).isEqualTo(alice.id().toString());
        assertThat(re.get("receiver_id").asText()).isEqualTo(bob.id().toString());
        assertThat(re.get("message").asText()).isEqualTo("hello there");
        assertThat(re.get("timestamp").asText()).isEqualTo("2025-03-14T10:36:22.680911+00:00").matches(TIMESTAMP_SHAPE);
        assertThat(re.get("created_msg_id").isIntegralNumber()).isTrue();
        assertThat(re.get("created_msg_id").asLong()).isEqualTo(1);
        assertThat(re.get("message_type").asText()).isEqualTo("text");
        assertThat(re.get("action").asText()).isEqualTo("re_message");

        JsonNode conf = a.next();
        assertThat(WsClient.fieldNames(conf)).containsExactly(
                "sender_id", "receiver_id", "message", "timestamp", "created_msg_id", "message_type", "action");
        Map<String, JsonNode> withoutAction = fields(conf);
        withoutAction.remove("action");
        Map<String, JsonNode> reWithoutAction = fields(re);
        reWithoutAction.remove("action");
        assertThat(withoutAction).isEqualTo(reWithoutAction);
        assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        assertThat(server.messages.count()).isEqualTo(1);
    }

    @Test
    void everyDeviceOfBothSidesGetsItsFrameExactlyOnce() throws Exception {
        WsClient a1 = connect(alice);
        WsClient a2 = connect(alice);
        WsClient b1 = connect(bob);
        WsClient b2 = connect(bob);
        awaitOpenSessions(4);

        a1.sendJson(text(bob, "one"));

        for (WsClient receiver : List.of(b1, b2)) {
            JsonNode frame = receiver.next();
            assertThat(frame.get("action").asText()).isEqualTo("re_message");
            assertThat(frame.get("message").asText()).isEqualTo("one");
        }
        for (WsClient sender : List.of(a1, a2)) {
            JsonNode frame = sender.next();
            assertThat(frame.get("action").asText()).isEqualTo("conf_message");
            assertThat(frame.get("message").asText()).isEqualTo("one");
        }
        for (WsClient client : List.of(a1, a2, b1, b2)) {
            client.assertNothingMoreWithin(Duration.ofMillis(300));
        }
    }

    @Test
    void theClientMessageIdIsEchoedToTheSenderOnly() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        Map<String, Object> frame = text(bob, "with id");
        frame.put("client_msg_id", "c-42");

        a.sendJson(frame);

        JsonNode re = b.next();
        assertThat(re.has("client_msg_id")).isFalse();
        JsonNode conf = a.next();
        assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        assertThat(conf.get("client_msg_id").asText()).isEqualTo("c-42");
    }

    /**
     * Contract §14: a client_msg_id sent again stores nothing; the requesting connection alone gets the original
     * conf_message again, field for field; the receiver and the sender's other connection get nothing new.
     */
    @Test
    void aRepeatedClientMessageIdAnswersTheRequestingConnectionWithTheOriginalConfirmationOnly() throws Exception {
        WsClient a = connect(alice);
        WsClient otherDeviceOfA = connect(alice);
        WsClient b = connect(bob);
        Map<String, Object> frame = text(bob, "only once");
        frame.put("client_msg_id", "c-1");
        a.sendJson(frame);
        JsonNode conf = a.next();
        assertThat(b.next().get("action").asText()).isEqualTo("re_message");
        assertThat(otherDeviceOfA.next()).isEqualTo(conf);

        a.sendJson(frame);
        frame.put("message_body", "a different text under the same key");
        a.sendJson(frame);

        assertThat(a.next()).isEqualTo(conf);
        assertThat(a.next()).isEqualTo(conf);
        for (WsClient client : List.of(a, otherDeviceOfA, b)) {
            client.assertNothingMoreWithin(Duration.ofMillis(300));
        }
        assertThat(server.messages.count()).isEqualTo(1);
    }

    @Test
    void aRepeatedProfileShareIsConfirmedAgainExpanded() throws Exception {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        String share = "{\"action\":\"user_profile_message\",\"attached_profile_id\":\"" + bob.id()
                + "\",\"receiver_id\":\"" + bob.id() + "\",\"client_msg_id\":\"p-again\"}";
        a.send(share);
        b.next();
        JsonNode conf = a.next();

        a.send(share);

        assertThat(a.next()).isEqualTo(conf);
        assertThat(conf.get("attached_profile").get("fullname").asText()).isEqualTo("bob");
        b.assertNothingMoreWithin(Duration.ofMillis(300));
    }

    @Test
    void unicodeAndCharactersThatNeedEscapingArriveIntact() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        String body = "Zoë \"q\" 😀 </script> \\ \n tab\t";

        a.sendJson(text(bob, body));

        assertThat(b.next().get("message").asText()).isEqualTo(body);
        assertThat(a.next().get("message").asText()).isEqualTo(body);
    }

    @Test
    void theReceiverNeedNotBeConnected() {
        WsClient a = connect(alice);

        a.sendJson(text(bob, "are you there?"));

        assertThat(a.next().get("action").asText()).isEqualTo("conf_message");
        assertThat(server.messages.count()).isEqualTo(1);
    }

    // Error frames: each leaves the connection usable.

    @Test
    void textThatIsNotJsonGetsInvalidJson() {
        assertError("not json {", "invalid_json", null);
        assertError("[1, 2]", "invalid_json", null);
        assertError("\"text\"", "invalid_json", null);
    }

    @Test
    void aMissingOrUnknownActionGetsUnknownAction() {
        assertError("{\"message_body\":\"hi\"}", "unknown_action", null);
        assertError("{\"action\":42}", "unknown_action", null);
        assertError("{\"action\":\"dance\"}", "unknown_action", "dance");
    }

    @Test
    void aProfileShareReachesBothSidesExpanded() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        a.send("{\"action\":\"user_profile_message\",\"attached_profile_id\":\"" + bob.id()
                + "\",\"receiver_id\":\"" + bob.id() + "\",\"client_msg_id\":\"p1\"}");
        JsonNode re = b.next();
        JsonNode conf = a.next();
        assertThat(re.get("action").asText()).isEqualTo("re_message");
        assertThat(re.get("message_type").asText()).isEqualTo("user_profile");
        assertThat(re.get("attached_profile").get("id").asText()).isEqualTo(bob.id().toString());
        assertThat(re.get("attached_profile").get("fullname").asText()).isEqualTo("bob");
        assertThat(re.get("attached_profile").get("phone_number").asText()).isEqualTo("555-bob");
        assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        assertThat(conf.get("client_msg_id").asText()).isEqualTo("p1");
    }

    @Test
    void badProfileSharesAndFileAnnouncementsGetErrorsAndDeliverNothing() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        a.send("{\"action\":\"user_profile_message\",\"attached_profile_id\":\"" + UserId.random()
                + "\",\"receiver_id\":\"" + bob.id() + "\",\"client_msg_id\":\"x1\"}");
        JsonNode unknownProfile = a.next();
        assertThat(unknownProfile.get("code").asText()).isEqualTo("not_found");
        assertThat(unknownProfile.get("client_msg_id").asText()).isEqualTo("x1");
        a.send("{\"action\":\"user_profile_message\",\"attached_profile_id\":\"" + bob.id()
                + "\",\"receiver_id\":\"" + UserId.random() + "\"}");
        assertThat(a.next().get("code").asText()).isEqualTo("invalid_receiver");
        a.send("{\"action\":\"file_message\",\"chat_id\":999}");
        JsonNode unknownChat = a.next();
        assertThat(unknownChat.get("code").asText()).isEqualTo("not_found");
        assertThat(unknownChat.get("request_action").asText()).isEqualTo("file_message");
        a.send("{\"action\":\"file_message\",\"chat_id\":\"abc\"}");
        assertThat(a.next().get("code").asText()).isEqualTo("validation_error");
        assertThat(server.messages.count()).isZero();
        assertStillUsable(a);
        assertThat(b.next().get("message").asText()).as("the first frame Bob gets is the probe").isEqualTo("still here");
    }

    @Test
    void invalidTextMessagesGetValidationError() {
        WsClient a = connect(alice);
        for (String bad : List.of(
                "{\"action\":\"text_message\",\"receiver_id\":\"" + bob.id() + "\"}",
                "{\"action\":\"text_message\",\"message_body\":\"   \",\"receiver_id\":\"" + bob.id() + "\"}",
                "{\"action\":\"text_message\",\"message_body\":42,\"receiver_id\":\"" + bob.id() + "\"}",
                "{\"action\":\"text_message\",\"message_body\":\"" + "x".repeat(10_001) + "\",\"receiver_id\":\"" + bob.id() + "\"}",
                "{\"action\":\"text_message\",\"message_body\":\"me\",\"receiver_id\":\"" + alice.id() + "\"}")) {
            a.send(bad);
            JsonNode error = a.next();
            assertThat(error.get("action").asText()).isEqualTo("error");
            assertThat(error.get("code").asText()).as(bad.length() > 200 ? "too long" : bad).isEqualTo("validation_error");
            assertThat(error.get("request_action").asText()).isEqualTo("text_message");
            assertThat(error.get("message").asText()).isNotBlank();
        }
        assertThat(server.messages.count()).isZero();
        assertStillUsable(a);
    }

    @Test
    void aBadClientMessageIdGetsValidationErrorWithoutEchoingIt() {
        WsClient a = connect(alice);
        for (String badId : List.of("\"" + "k".repeat(65) + "\"", "\"\"", "12")) {
            a.send("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\"" + bob.id()
                    + "\",\"client_msg_id\":" + badId + "}");
            JsonNode error = a.next();
            assertThat(error.get("code").asText()).isEqualTo("validation_error");
            assertThat(error.get("request_action").asText()).isEqualTo("text_message");
            assertThat(error.has("client_msg_id")).isFalse();
        }
        assertThat(server.messages.count()).isZero();
        assertStillUsable(a);
    }

    /** Contract §10: a missing, non-string or malformed receiver_id is a validation error, not invalid_receiver. */
    @Test
    void aMissingOrMalformedReceiverIsAValidationErrorAndAnUnknownOneAnInvalidReceiver() {
        WsClient a = connect(alice);
        for (String receiver : List.of("", ",\"receiver_id\":\"not-a-uuid\"", ",\"receiver_id\":17",
                ",\"receiver_id\":null")) {
            a.send("{\"action\":\"text_message\",\"message_body\":\"hi\",\"client_msg_id\":\"r1\"" + receiver + "}");
            JsonNode error = a.next();
            assertThat(error.get("code").asText()).as(receiver).isEqualTo("validation_error");
            assertThat(error.get("request_action").asText()).isEqualTo("text_message");
            assertThat(error.get("client_msg_id").asText()).isEqualTo("r1");
        }
        a.send("{\"action\":\"text_message\",\"message_body\":\"hi\",\"client_msg_id\":\"r2\",\"receiver_id\":\""
                + java.util.UUID.randomUUID() + "\"}");
        JsonNode unknown = a.next();
        assertThat(unknown.get("code").asText()).isEqualTo("invalid_receiver");
        assertThat(unknown.get("request_action").asText()).isEqualTo("text_message");
        assertThat(unknown.get("client_msg_id").asText()).isEqualTo("r2");
        assertThat(server.messages.count()).isZero();
        assertStillUsable(a);
    }

    /**
     * Issue 10's first finding: a frame holding an unpaired surrogate (the escape as six ASCII characters) is refused
     * before anything is stored, and neither side's connection suffers; the receiver gets nothing at all.
     */
    @Test
    void anUnpairedSurrogateIsAValidationErrorAndNothingIsStoredOrDelivered() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        for (String body : List.of("\\ud83d", "x\\udc00", "\\ude00\\ud83d")) {
            a.send("{\"action\":\"text_message\",\"message_body\":\"" + body + "\",\"receiver_id\":\"" + bob.id()
                    + "\",\"client_msg_id\":\"s1\"}");
            JsonNode error = a.next();
            assertThat(error.get("code").asText()).as(body).isEqualTo("validation_error");
            assertThat(error.get("request_action").asText()).isEqualTo("text_message");
            assertThat(error.get("client_msg_id").asText()).isEqualTo("s1");
        }
        a.send("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\"" + bob.id() + "\",\"\\ud83d\":1}");
        assertThat(a.next().get("code").asText()).isEqualTo("validation_error");
        assertThat(server.messages.count()).isZero();
        assertStillUsable(a);
        assertThat(b.next().get("message").asText()).as("the first frame Bob gets is the probe").isEqualTo("still here");
    }

    /** Contract §10: one JSON object per frame; anything after it and the whole frame is refused. */
    @Test
    void textAfterTheFrameObjectIsInvalidJsonAndNothingIsActedOn() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        String frame = "{\"action\":\"text_message\",\"message_body\":\"first\",\"receiver_id\":\"" + bob.id() + "\"}";
        for (String bad : List.of(frame + " " + frame, frame + " xyz", frame + "}")) {
            a.send(bad);
            JsonNode error = a.next();
            assertThat(error.get("code").asText()).isEqualTo("invalid_json");
            assertThat(error.get("request_action").isNull()).isTrue();
        }
        assertThat(server.messages.count()).isZero();
        assertStillUsable(a);
        assertThat(b.next().get("message").asText()).as("the first frame Bob gets is the probe").isEqualTo("still here");
    }

    @Test
    void anUnexpectedFailureGetsAGenericInternalError() {
        WsClient a = connect(alice);
        server.sendFailure.set(new IllegalStateException("SELECT secret FROM users -- boom"));

        a.sendJson(text(bob, "hi"));

        JsonNode error = a.next();
        assertThat(WsClient.fieldNames(error)).containsExactly("action", "code", "message", "request_action");
        assertThat(error.get("code").asText()).isEqualTo("internal_error");
        assertThat(error.get("message").asText()).doesNotContain("SELECT", "boom", "Exception");
        server.sendFailure.set(null);
        assertStillUsable(a);
    }

    /**
     * Storing happens after the frame was accepted (group commit): when it fails, nothing is delivered to anyone and
     * the sender gets an internal_error naming its client_msg_id, so it can send again.
     */
    @Test
    void aMessageThatCannotBeStoredGetsAnInternalErrorAndIsDeliveredToNoOne() {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        server.storageDown.set(true);

        Map<String, Object> frame = text(bob, "lost?");
        frame.put("client_msg_id", "c-1");
        a.sendJson(frame);

        JsonNode error = a.next();
        assertThat(WsClient.fieldNames(error))
                .containsExactly("action", "code", "message", "request_action", "client_msg_id");
        assertThat(error.get("code").asText()).isEqualTo("internal_error");
        assertThat(error.get("request_action").asText()).isEqualTo("text_message");
        assertThat(error.get("client_msg_id").asText()).isEqualTo("c-1");
        assertThat(error.get("message").asText()).doesNotContain("INSERT", "refused", "Exception");
        server.storageDown.set(false);
        assertStillUsable(a);
        assertThat(b.next().get("message").asText()).isEqualTo("still here");
    }

    /**
     * Graceful stop: once the websocket drains, a frame is answered with {@code unavailable} (naming its action and
     * {@code client_msg_id}, with {@code retry_after_ms}) and nothing of it is stored or delivered; a new handshake is
     * refused with 503 and {@code Retry-After}; connections stay open until they are closed with 1001.
     */
    @Test
    void whileDrainingFramesGetUnavailableHandshakes503AndConnectionsStayOpenUntil1001() throws Exception {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        assertThat(server.webSocket.drain(java.time.Duration.ofSeconds(5))).as("nothing to wait for").isTrue();

        Map<String, Object> frame = text(bob, "too late");
        frame.put("client_msg_id", "c-9");
        a.sendJson(frame);
        JsonNode refused = a.next();
        assertThat(refused.get("code").asText()).isEqualTo("unavailable");
        assertThat(refused.get("request_action").asText()).isEqualTo("text_message");
        assertThat(refused.get("client_msg_id").asText()).isEqualTo("c-9");
        assertThat(refused.get("retry_after_ms").asLong()).isPositive();
        b.assertNothingMoreWithin(java.time.Duration.ofMillis(300));

        assertThatThrownBy(() -> WsClient.connect(server.uri("token-alice")))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> {
                    HttpResponse<?> response = ((WebSocketHandshakeException) e).getResponse();
                    assertThat(response.statusCode()).isEqualTo(503);
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                });

        server.webSocket.closeAll();
        assertThat(a.awaitClose()).isEqualTo(1001);
        assertThat(b.awaitClose()).isEqualTo(1001);
    }

    @Test
    void binaryFramesGetValidationError() {
        WsClient a = connect(alice);
        a.sendBinary(new byte[] {1, 2, 3});
        JsonNode error = a.next();
        assertThat(error.get("code").asText()).isEqualTo("validation_error");
        assertThat(error.get("request_action").isNull()).isTrue();
        assertStillUsable(a);
    }

    private void assertError(String frame, String code, String requestAction) {
        WsClient a = clients.isEmpty() ? connect(alice) : clients.get(0);
        a.send(frame);
        JsonNode error = a.next();
        assertThat(WsClient.fieldNames(error)).containsExactly("action", "code", "message", "request_action");
        assertThat(error.get("action").asText()).isEqualTo("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        if (requestAction == null) {
            assertThat(error.get("request_action").isNull()).isTrue();
        } else {
            assertThat(error.get("request_action").asText()).isEqualTo(requestAction);
        }
        assertStillUsable(a);
    }

    private void assertStillUsable(WsClient client) {
        Map<String, Object> frame = text(bob, "still here");
        frame.put("client_msg_id", "probe");
        client.sendJson(frame);
        JsonNode conf = client.next();
        assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        assertThat(conf.get("client_msg_id").asText()).isEqualTo("probe");
    }

    // Handshake

    @Test
    void aHandshakeWithoutATokenIsRefusedWith401() {
        assertRefused(URI.create("ws://127.0.0.1:" + server.port + "/ws/chat/room/"), Map.of());
        assertRefused(server.uri(""), Map.of());
        assertRefused(server.uri("wrong"), Map.of());
        assertRefused(server.uri("wrong"), Map.of("Authorization", "Bearer also-wrong"));
        assertThat(server.connections.count()).isZero();
    }

    @ParameterizedTest
    @EnumSource(AuthenticationFailed.Reason.class)
    void everyAuthenticationFailureIsRefusedWith401(AuthenticationFailed.Reason reason) {
        assertRefused(server.uri("fail-" + reason), Map.of());
        assertThat(server.connections.count()).isZero();
    }

    private void assertRefused(URI uri, Map<String, String> headers) {
        assertThatThrownBy(() -> WsClient.connect(uri, headers))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> {
                    HttpResponse<?> response = ((WebSocketHandshakeException) e).getResponse();
                    assertThat(response.statusCode()).isEqualTo(401);
                    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
                    assertThat(response.headers().firstValue("Upgrade")).isEmpty();
                    assertThat(response.headers().firstValue("Sec-WebSocket-Accept")).isEmpty();
                });
    }

    @Test
    void aFailingTokenCheckRefusesTheHandshakeWith500() {
        assertThatThrownBy(() -> WsClient.connect(server.uri("explode")))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(500));
        assertThat(server.connections.count()).isZero();
    }

    @Test
    void theAuthorizationHeaderAuthenticatesToo() {
        WsClient a = WsClient.connect(URI.create("ws://127.0.0.1:" + server.port + "/ws/chat/room/"),
                Map.of("Authorization", "Bearer token-alice"));
        clients.add(a);
        a.sendJson(text(bob, "via header"));
        assertThat(a.next().get("sender_id").asText()).isEqualTo(alice.id().toString());
    }

    @Test
    void thePathWithoutTheFinalSlashIsServedToo() {
        WsClient a = WsClient.connect(URI.create("ws://127.0.0.1:" + server.port + "/ws/chat/room?token=token-alice"));
        clients.add(a);
        assertStillUsable(a);
    }

    @Test
    void plainHttpRequestsFallThroughToTheOtherHandlers() throws Exception {
        HttpResponse<String> response = WsClient.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/ws/chat/room/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("rest");
    }

    @Test
    void concurrentHandshakesEachGetTheirOwnUser() throws Exception {
        List<User> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(server.user("user" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<WsClient>> connecting = new ArrayList<>();
            for (User user : users) {
                connecting.add(CompletableFuture.supplyAsync(() -> server.connect(user), pool));
            }
            Map<User, WsClient> byUser = new HashMap<>();
            for (int i = 0; i < users.size(); i++) {
                WsClient client = connecting.get(i).get(20, TimeUnit.SECONDS);
                clients.add(client);
                byUser.put(users.get(i), client);
            }
            byUser.forEach((user, client) -> client.sendJson(text(bob, "from " + user.profile().fullname())));
            for (Map.Entry<User, WsClient> entry : byUser.entrySet()) {
                JsonNode conf = entry.getValue().next();
                assertThat(conf.get("action").asText()).isEqualTo("conf_message");
                assertThat(conf.get("sender_id").asText()).isEqualTo(entry.getKey().id().toString());
                assertThat(conf.get("message").asText()).isEqualTo("from " + entry.getKey().profile().fullname());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void handshakesAndColdFramesRunOnWorkerThreadsHotFramesOnTheSelector() {
        WsClient a = connect(alice);
        // The first message to bob reads him and creates the pair's thread: cold, on a worker.
        assertStillUsable(a);
        assertThat(server.sendFromMemoryThreads).isEmpty();
        // Now both are in memory: hot, on the selector thread that read the frame (unless it was read before the
        // worker let go of the connection's lane: its confirmation can arrive first; then it follows on a worker).
        for (int i = 0; i < 50 && server.sendFromMemoryThreads.isEmpty(); i++) {
            assertStillUsable(a);
        }

        assertThat(server.handshakeThreads).isNotEmpty();
        assertThat(server.sendThreads).isNotEmpty();
        List<String> threads = new ArrayList<>(server.handshakeThreads);
        threads.addAll(server.sendThreads);
        assertThat(threads).allSatisfy(name -> assertThat(name)
                .startsWith("Grizzly-worker")
                .doesNotContain("kernel")
                .doesNotContain("Selector"));
        assertThat(server.sendFromMemoryThreads).singleElement().satisfies(name -> assertThat(name)
                .startsWith("grizzly-nio-kernel")
                .endsWith(" SelectorRunner"));
        // How ChatEndpoint tells a selector thread (a close read there goes to the lane).
        assertThat(server.sendFromMemoryOnASelector).containsOnly(true);
        assertThat(server.sendOnASelector).containsOnly(false);
    }

    // Limits and lifecycle

    @Test
    void aFrameAboveTheMaximumClosesWith1009() {
        WsClient a = connect(alice);
        a.send("{\"action\":\"text_message\",\"message_body\":\"" + "y".repeat(WebSocketSettings.DEFAULT_MAX_TEXT_FRAME_BYTES)
                + "\",\"receiver_id\":\"" + bob.id() + "\"}");
        assertThat(a.awaitClose()).isEqualTo(1009);
        assertThat(server.messages.count()).isZero();
    }

    @Test
    void aMessageSplitIntoFramesCountsAsAWhole() {
        WsClient a = connect(alice);
        a.sendFragments("{\"action\":\"text_message\",\"message_body\":\"" + "f".repeat(40_000),
                "f".repeat(40_000) + "\"}");
        assertThat(a.awaitClose()).isEqualTo(1009);
    }

    @Test
    void aFrameJustBelowTheMaximumIsHandled() {
        WsClient a = connect(alice);
        String prefix = "{\"action\":\"text_message\",\"message_body\":\"";
        String suffix = "\",\"receiver_id\":\"" + bob.id() + "\"}";
        // Within the frame limit, over the message rules' 10,000 characters: refused by the use case, not the socket.
        a.send(prefix + "y".repeat(WebSocketSettings.DEFAULT_MAX_TEXT_FRAME_BYTES - prefix.length() - suffix.length()) + suffix);
        assertThat(a.next().get("code").asText()).isEqualTo("validation_error");
        assertStillUsable(a);
    }

    @Test
    void closeAllClosesEveryConnectionWith1001() throws Exception {
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        awaitOpenSessions(2);

        server.webSocket.closeAll();

        assertThat(a.awaitClose()).isEqualTo(1001);
        assertThat(b.awaitClose()).isEqualTo(1001);
    }

    @Test
    void closedConnectionsLeaveTheRegistry() throws Exception {
        WsClient a1 = connect(alice);
        WsClient a2 = connect(alice);
        WsClient b = connect(bob);
        awaitOpenSessions(3);

        a1.close();
        a2.close();
        b.close();

        awaitOpenSessions(0);
        assertThat(server.connections.all()).isEmpty();
    }

    /** The server registers a connection just after the client sees the handshake succeed: wait for it. */
    private void awaitOpenSessions(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connections.count() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.connections.count()).isEqualTo(expected);
    }

    private static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        node.properties().forEach(entry -> fields.put(entry.getKey(), entry.getValue()));
        return fields;
    }
}
