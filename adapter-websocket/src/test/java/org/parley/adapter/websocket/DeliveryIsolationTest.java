package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.WebSocketHandshakeException;
import java.nio.charset.MalformedInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.User;

/**
 * Issue 10: a failure while rendering or writing one message's frames, or writing to one connection, stays with that
 * message or that connection. Real server, real clients; the failures are injected where they would arise (the frame
 * renderer, a connection's remote endpoint), as the {@link Error} Tyrus throws when a frame cannot be encoded.
 */
class DeliveryIsolationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<WsClient> clients = new ArrayList<>();
    private TestServer server;

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aMessageWhoseFrameCannotBeRenderedIsSkippedItsSenderIsToldAndEveryoneElseKeepsChatting() {
        server = start(WebSocketSettings.defaults());
        User alice = server.user("alice");
        User bob = server.user("bob");
        User carol = server.user("carol");
        User dave = server.user("dave");
        server.renderer.set((event, audience) -> {
            if (event instanceof MessageStored stored
                    && stored.message().content().equals(new MessageContent.Text("poison"))) {
                throw new Error("the renderer broke");
            }
            return TestServer.SEED_FRAMES.render(event, audience);
        });
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        WsClient c = connect(carol);
        WsClient d = connect(dave);

        try (CapturedLog log = new CapturedLog()) {
            a.sendJson(text(bob, "poison", "p-1"));

            JsonNode refused = a.next();
            assertThat(refused.get("action").asText()).isEqualTo("error");
            assertThat(refused.get("code").asText()).isEqualTo("internal_error");
            assertThat(refused.get("request_action").asText()).isEqualTo("text_message");
            assertThat(refused.get("client_msg_id").asText()).isEqualTo("p-1");
            assertThat(server.messages.count()).as("the message stays stored").isEqualTo(1);

            assertChat(c, carol, d, dave, "bystanders still chat");
            assertChat(d, dave, c, carol, "both ways");
            JsonNode after = assertChat(a, alice, b, bob, "the pair itself too");
            long poisonId = after.get("created_msg_id").asLong() - 3; // poison, carol's, dave's, then this one

            assertThat(log.linesContaining("Message " + poisonId + " ")).as("logged once, in one line")
                    .singleElement().asString().contains(alice.id().toString()).doesNotContain("poison")
                    .doesNotContain(System.lineSeparator());
        }
        for (WsClient client : List.of(a, b, c, d)) {
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aConnectionWhoseWriteThrowsIsClosedWith1011LoggedOnceAndTheOthersKeepReceiving() throws Exception {
        server = start(WebSocketSettings.defaults());
        User alice = server.user("alice");
        User bob = server.user("bob");
        User carol = server.user("carol");
        User dave = server.user("dave");
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        WsClient c = connect(carol);
        WsClient d = connect(dave);
        FakeSession broken = new FakeSession();
        broken.sendFailure = new Error(new MalformedInputException(1));
        server.connections.add(new LiveConnection(bob.id(), broken.session, System.nanoTime()));

        try (CapturedLog log = new CapturedLog()) {
            JsonNode first = assertChat(a, alice, b, bob, "one");
            assertThat(broken.closeCodes()).containsExactly(1011);

            assertChat(a, alice, b, bob, "two");
            assertChat(c, carol, d, dave, "bystanders");
            assertThat(broken.sendAttempts.get()).as("nothing more is written to it").isEqualTo(1);
            assertThat(log.linesContaining(bob.id().toString())).as("logged once, in one line").singleElement()
                    .asString().contains("1011").contains("message " + first.get("created_msg_id").asLong())
                    .doesNotContain("one").doesNotContain(System.lineSeparator());
        }
    }

    /** The pinger is one scheduled task: a ping that throws must not cancel it for every other connection. */
    @Test
    void aPingThatThrowsClosesThatConnectionWith1011AndEveryOtherConnectionIsStillPinged() throws Exception {
        server = start(new WebSocketSettings(65536, Duration.ofMillis(250)));
        User alice = server.user("alice");
        User bob = server.user("bob");
        WsClient a = connect(alice);
        FakeSession broken = new FakeSession();
        broken.pingFailure = new Error("the ping broke");
        server.connections.add(new LiveConnection(bob.id(), broken.session, System.nanoTime()));

        await(() -> broken.pings.get() >= 1, "the broken connection was pinged");
        int pingsSoFar = a.pings.get();
        await(() -> a.pings.get() >= pingsSoFar + 3, "later ping rounds reach the other connection");

        assertThat(broken.closeCodes()).first().isEqualTo(1011);
        assertThat(a.isOpen()).isTrue();
    }

    /** {@code file_message} delivers on the handler's thread, not through group commit: the same isolation holds. */
    @Test
    void anAnnouncedFileWhoseFrameCannotBeRenderedAnswersTheSenderWhoseConnectionStaysOpen() {
        server = start(WebSocketSettings.defaults());
        User alice = server.user("alice");
        User bob = server.user("bob");
        ChatThread thread = server.threads.getOrCreate(Participants.of(alice.id(), bob.id()), TestServer.SENT_AT);
        Message file = server.messages.appendAll(List.of(thread.compose(alice.id(), new MessageContent.File("notes",
                new Attachment("k/1", "notes.txt", 12, "text/plain")), TestServer.SENT_AT))).get(0).message();
        server.renderer.set((event, audience) -> {
            if (event instanceof MessageStored stored && stored.message().content() instanceof MessageContent.File) {
                throw new Error("the renderer broke");
            }
            return TestServer.SEED_FRAMES.render(event, audience);
        });
        WsClient a = connect(alice);
        WsClient b = connect(bob);

        a.send("{\"action\":\"file_message\",\"chat_id\":" + file.id().value() + ",\"client_msg_id\":\"f-1\"}");

        JsonNode refused = a.next();
        assertThat(refused.get("action").asText()).isEqualTo("error");
        assertThat(refused.get("code").asText()).isEqualTo("internal_error");
        assertThat(refused.get("request_action").asText()).isEqualTo("file_message");
        assertThat(refused.get("client_msg_id").asText()).isEqualTo("f-1");
        assertChat(a, alice, b, bob, "still connected");
    }

    /** Contract §8: any frame gets an answer and the connection stays open, even when the use case throws an Error. */
    @Test
    void anErrorInAUseCaseIsAnsweredWithInternalErrorAndTheConnectionStaysOpen() {
        server = start(WebSocketSettings.defaults());
        User alice = server.user("alice");
        User bob = server.user("bob");
        WsClient a = connect(alice);
        WsClient b = connect(bob);
        server.sendFailure.set(new StackOverflowError());

        a.sendJson(text(bob, "deep", "d-1"));

        JsonNode error = a.next();
        assertThat(error.get("code").asText()).isEqualTo("internal_error");
        assertThat(error.get("client_msg_id").asText()).isEqualTo("d-1");
        server.sendFailure.set(null);
        assertChat(a, alice, b, bob, "still here");
    }

    @Test
    void aHandshakeWhoseTokenCheckThrowsAnErrorIsRefusedWith500() {
        server = start(WebSocketSettings.defaults());

        assertThatThrownBy(() -> WsClient.connect(server.uri("explode-with-an-error")))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(500));
        User alice = server.user("alice");
        User bob = server.user("bob");
        assertChat(connect(alice), alice, connect(bob), bob, "the server still serves");
    }

    private TestServer start(WebSocketSettings settings) {
        try {
            return new TestServer(settings);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private WsClient connect(User user) {
        WsClient client = server.connect(user);
        clients.add(client);
        return client;
    }

    /** {@code from} sends {@code to} a message: {@code to} receives it, {@code from} gets it confirmed; the re_message. */
    private static JsonNode assertChat(WsClient from, User sender, WsClient to, User receiver, String body) {
        from.sendJson(text(receiver, body, null));
        JsonNode re = to.next();
        assertThat(re.get("action").asText()).isEqualTo("re_message");
        assertThat(re.get("message").asText()).isEqualTo(body);
        assertThat(re.get("sender_id").asText()).isEqualTo(sender.id().toString());
        JsonNode conf = from.next();
        assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        assertThat(conf.get("message").asText()).isEqualTo(body);
        return re;
    }

    private static Map<String, Object> text(User to, String body, String clientMessageId) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("action", "text_message");
        frame.put("message_body", body);
        frame.put("receiver_id", to.id().toString());
        if (clientMessageId != null) {
            frame.put("client_msg_id", clientMessageId);
        }
        return frame;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
