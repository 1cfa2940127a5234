package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/** Two people chat through a real server, with real HTTP and websocket clients, as the README's tour does. */
class TextChatEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);

    @Test
    void aTextMessageReachesTheReceiverAndIsConfirmedToTheSenderWithEveryField() {
        Person kyrian = people.register("Kyrian developer");
        Person admin = people.register("Admin user");
        try (ChatSocket sender = ChatSocket.connect(SERVER.wsBase(), kyrian.access());
             ChatSocket receiver = ChatSocket.connect(SERVER.wsBase(), admin.access())) {

            sender.send(Frames.text(admin.id(), "hello there", "c-1"));

            JsonNode received = receiver.next();
            assertThat(Frames.keys(received)).containsExactlyInAnyOrder(
                    "sender_id", "receiver_id", "message", "timestamp", "created_msg_id", "message_type", "action");
            assertThat(received.get("action").asText()).isEqualTo("re_message");
            assertThat(received.get("sender_id").asText()).isEqualTo(kyrian.id());
            assertThat(received.get("receiver_id").asText()).isEqualTo(admin.id());
            assertThat(received.get("message").asText()).isEqualTo("hello there");
            assertThat(received.get("message_type").asText()).isEqualTo("text");
            assertThat(received.get("timestamp").asText()).matches(Frames.WS_TIMESTAMP);
            assertThat(received.get("created_msg_id").isIntegralNumber()).isTrue();
            assertThat(received.get("created_msg_id").asLong()).isPositive();

            JsonNode confirmed = sender.next();
            assertThat(Frames.keys(confirmed)).containsExactlyInAnyOrder(
                    "sender_id", "receiver_id", "message", "timestamp", "created_msg_id", "message_type", "action",
                    "client_msg_id");
            assertThat(confirmed.get("action").asText()).isEqualTo("conf_message");
            assertThat(confirmed.get("client_msg_id").asText()).isEqualTo("c-1");
            for (String field : List.of("sender_id", "receiver_id", "message", "timestamp", "created_msg_id", "message_type")) {
                assertThat(confirmed.get(field)).as(field).isEqualTo(received.get(field));
            }

            assertThat(sender.poll(Duration.ofMillis(300))).as("the sender gets only its confirmation").isNull();
            assertThat(receiver.poll(Duration.ofMillis(300))).as("the receiver gets the message once").isNull();
        }
    }

    @Test
    void everyDeviceOfBothPeopleStaysInStep() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket alicePhone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket aliceLaptop = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobPhone = ChatSocket.connect(SERVER.wsBase(), bob.access());
             ChatSocket bobTablet = ChatSocket.connect(SERVER.wsBase(), bob.access())) {

            alicePhone.send(Frames.text(bob.id(), "on every screen"));

            for (ChatSocket device : List.of(bobPhone, bobTablet)) {
                JsonNode frame = device.next();
                assertThat(frame.get("action").asText()).isEqualTo("re_message");
                assertThat(frame.get("message").asText()).isEqualTo("on every screen");
            }
            for (ChatSocket device : List.of(alicePhone, aliceLaptop)) {
                JsonNode frame = device.next();
                assertThat(frame.get("action").asText()).isEqualTo("conf_message");
                assertThat(frame.get("message").asText()).isEqualTo("on every screen");
            }
            for (ChatSocket device : List.of(alicePhone, aliceLaptop, bobPhone, bobTablet)) {
                assertThat(device.poll(Duration.ofMillis(200))).as("exactly one frame per device").isNull();
            }
        }
    }

    @Test
    void anOfflineReceiverFindsTheMessageInHistoryAndInTheirThreads() {
        Person sender = people.register("Sender");
        Person offline = people.register("Offline receiver");
        long messageId;
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), sender.access())) {
            socket.send(Frames.text(offline.id(), "read me later"));
            messageId = socket.next().get("created_msg_id").asLong();
        }

        HttpApi.Reply history = api.get("/chat/messages/" + sender.id() + "/", offline.access());
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json().get("status").asText()).isEqualTo("success");
        assertThat(history.json().get("success").asBoolean()).isTrue();
        assertThat(history.json().get("message").asText()).isEqualTo("Messages retrieved successfully");
        JsonNode messages = history.data().get("messages");
        assertThat(messages).hasSize(1);
        JsonNode message = messages.get(0);
        assertThat(message.get("id").asLong()).isEqualTo(messageId);
        assertThat(message.get("message").asText()).isEqualTo("read me later");
        assertThat(message.get("message_type").asText()).isEqualTo("text");
        assertThat(message.get("sender").get("id").asText()).isEqualTo(sender.id());
        assertThat(message.get("sender").get("fullname").asText()).isEqualTo("Sender");
        assertThat(message.get("receiver").get("id").asText()).isEqualTo(offline.id());
        assertThat(message.get("created_at").asText()).matches(Frames.REST_TIMESTAMP);
        assertThat(message.get("updated_at").asText()).matches(Frames.REST_TIMESTAMP);
        assertThat(message.get("attached_file_size").asText()).isEqualTo("0kb");
        assertThat(message.get("attached_file").isNull()).isTrue();
        assertThat(message.get("attached_file_name").isNull()).isTrue();
        assertThat(message.get("attached_profile").isNull()).isTrue();
        assertThat(message.get("thread").asLong()).isPositive();

        HttpApi.Reply threads = api.get("/chat/user/threads/", offline.access());
        assertThat(threads.status()).isEqualTo(200);
        assertThat(threads.data()).hasSize(1);
        JsonNode thread = threads.data().get(0);
        assertThat(thread.get("id").asLong()).isEqualTo(message.get("thread").asLong());
        assertThat(thread.get("other_user").get("id").asText()).isEqualTo(sender.id());
        assertThat(thread.get("last_message").get("id").asLong()).isEqualTo(messageId);
    }

    @Test
    void threadsComeMostRecentActivityFirst() {
        Person me = people.register("Me");
        Person first = people.register("First friend");
        Person second = people.register("Second friend");
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), me.access())) {
            socket.send(Frames.text(first.id(), "one"));
            socket.next();
            socket.send(Frames.text(second.id(), "two"));
            socket.next();
            socket.send(Frames.text(first.id(), "three"));
            socket.next();
        }
        JsonNode threads = api.get("/chat/user/threads/", me.access()).data();
        assertThat(threads).hasSize(2);
        assertThat(threads.get(0).get("other_user").get("id").asText()).isEqualTo(first.id());
        assertThat(threads.get(0).get("last_message").get("message").asText()).isEqualTo("three");
        assertThat(threads.get(1).get("other_user").get("id").asText()).isEqualTo(second.id());
    }

    @Test
    void unicodeAndJsonEscapingSurviveTheRoundTrip() {
        String tricky = "Zoë \"quoted\" \\ back\\slash 😀 </script><b>bold</b> \u2028 line\nnew 中文";
        Person alice = people.register("Zoë \"Q\" 😀 <b>");
        Person bob = people.register("Bob");
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            aliceSocket.send(Frames.text(bob.id(), tricky));
            assertThat(bobSocket.next().get("message").asText()).isEqualTo(tricky);
            assertThat(aliceSocket.next().get("message").asText()).isEqualTo(tricky);
        }
        JsonNode message = api.get("/chat/messages/" + alice.id() + "/", bob.access()).data().get("messages").get(0);
        assertThat(message.get("message").asText()).isEqualTo(tricky);
        assertThat(message.get("sender").get("fullname").asText()).isEqualTo("Zoë \"Q\" 😀 <b>");
    }

    @Test
    void noResponseEverContainsAPasswordOrPermissions() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
            socket.send(Frames.text(bob.id(), "hi"));
            assertThat(Frames.allKeys(socket.next())).doesNotContain("password");
        }
        List<HttpApi.Reply> replies = List.of(
                api.get("/chat/messages/" + bob.id() + "/", alice.access()),
                api.get("/chat/user/threads/", alice.access()),
                api.get("/auth/me/", alice.access()),
                api.post("/auth/token/", java.util.Map.of("email", alice.email(), "password", alice.password()), null),
                api.post("/auth/register/", java.util.Map.of("email", "new-" + alice.email(), "password", "long enough pass", "fullname", "New"), null));
        for (HttpApi.Reply reply : replies) {
            assertThat(reply.status()).as(reply.raw()).isBetween(200, 201);
            assertThat(Frames.allKeys(reply.json())).as(reply.raw())
                    .doesNotContainAnyElementsOf(Set.of("password", "groups", "user_permissions"));
            assertThat(reply.raw()).doesNotContain("pbkdf2_sha256");
        }
    }
}
