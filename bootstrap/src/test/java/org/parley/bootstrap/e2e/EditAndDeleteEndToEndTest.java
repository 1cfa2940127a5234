package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Editing and deleting (contract §12) through a real server, with real websocket and HTTP clients: the frames both
 * participants' connections get (a user's two devices included), history, the thread list, thread files, the signed
 * link and the bytes of a deleted attachment, and every refusal. Runs on H2, on PostgreSQL and as a cluster (the
 * connections then spread over two nodes and every event crosses the bus).
 */
class EditAndDeleteEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theSenderEditsATextAndEveryConnectionOfBothIsToldAndHistoryShowsIt() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket phone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket laptop = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            long id = sendText(phone, laptop, bobSocket, bob, "helo");

            phone.send(Map.of("action", "edit_message", "message_id", id, "message_body", "hello 🎉",
                    "client_msg_id", "e-1"));

            JsonNode toBob = bobSocket.next();
            assertThat(Frames.keys(toBob)).containsExactlyInAnyOrder("action", "message_id", "thread", "message", "edited_at");
            assertThat(toBob.get("action").asText()).isEqualTo("message_edited");
            assertThat(toBob.get("message_id").asLong()).isEqualTo(id);
            assertThat(toBob.get("message").asText()).isEqualTo("hello 🎉");
            assertThat(toBob.get("edited_at").asText()).matches(Frames.WS_TIMESTAMP);
            for (ChatSocket device : new ChatSocket[] {phone, laptop}) {
                JsonNode toAlice = device.next();
                assertThat(toAlice.get("action").asText()).isEqualTo("message_edited");
                assertThat(toAlice.get("client_msg_id").asText()).isEqualTo("e-1");
                assertThat(toAlice.get("edited_at")).isEqualTo(toBob.get("edited_at"));
                assertThat(toAlice.get("thread")).isEqualTo(toBob.get("thread"));
            }

            JsonNode message = history(bob, alice).get(0);
            assertThat(message.get("id").asLong()).isEqualTo(id);
            assertThat(message.get("message").asText()).isEqualTo("hello 🎉");
            assertThat(message.get("edited").booleanValue()).isTrue();
            assertThat(message.get("deleted").booleanValue()).isFalse();
            assertThat(message.get("updated_at").asText())
                    .isEqualTo(toBob.get("edited_at").asText().replace("+00:00", "Z"));
            assertThat(message.get("created_at").asText()).isNotEqualTo(message.get("updated_at").asText());
            assertThat(message.get("thread").asLong()).isEqualTo(toBob.get("thread").asLong());
            JsonNode last = api.get("/chat/user/threads/", bob.access()).data().get(0).get("last_message");
            assertThat(last).isEqualTo(message);
        }
    }

    @Test
    void theSenderDeletesATextTwiceBothAreToldEachTimeAndHistoryKeepsATombstone() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket phone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket laptop = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            long id = sendText(phone, laptop, bobSocket, bob, "regret");
            JsonNode before = history(alice, bob).get(0);

            phone.send(Map.of("action", "delete_message", "message_id", String.valueOf(id), "client_msg_id", "d-1"));

            JsonNode toBob = bobSocket.next();
            assertThat(Frames.keys(toBob)).containsExactlyInAnyOrder("action", "message_id", "thread", "timestamp");
            assertThat(toBob.get("action").asText()).isEqualTo("message_deleted");
            assertThat(toBob.get("message_id").asLong()).isEqualTo(id);
            assertThat(toBob.get("thread")).isEqualTo(before.get("thread"));
            assertThat(toBob.get("timestamp").asText()).matches(Frames.WS_TIMESTAMP);
            for (ChatSocket device : new ChatSocket[] {phone, laptop}) {
                JsonNode toAlice = device.next();
                assertThat(toAlice.get("action").asText()).isEqualTo("message_deleted");
                assertThat(toAlice.get("client_msg_id").asText()).isEqualTo("d-1");
            }

            JsonNode tombstone = history(bob, alice).get(0);
            assertTombstone(tombstone, before, "text");
            assertThat(tombstone.get("updated_at").asText())
                    .isEqualTo(toBob.get("timestamp").asText().replace("+00:00", "Z"));
            assertThat(api.get("/chat/user/threads/", alice.access()).data().get(0).get("last_message"))
                    .isEqualTo(tombstone);

            // Deleting again is answered like the first time (same time), and changes nothing.
            laptop.send(Map.of("action", "delete_message", "message_id", id));
            assertThat(bobSocket.next()).isEqualTo(toBob);
            assertThat(phone.next().get("timestamp")).isEqualTo(toBob.get("timestamp"));
            assertThat(laptop.next().get("timestamp")).isEqualTo(toBob.get("timestamp"));
            assertThat(history(bob, alice).get(0)).isEqualTo(tombstone);
        }
    }

    @Test
    void everyRefusedChangeGetsItsErrorFrameAndNobodyElseHearsOfIt() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            long text = sendText(aliceSocket, null, bobSocket, bob, "mine");
            long gone = sendText(aliceSocket, null, bobSocket, bob, "soon gone");
            long file = upload(alice, bob).get("id").asLong();
            aliceSocket.send(Map.of("action", "delete_message", "message_id", gone));
            aliceSocket.next();
            bobSocket.next();

            // Bob is not the sender; 999999999 names no message: both not_found, for editing and deleting alike.
            assertError(bobSocket, Map.of("action", "edit_message", "message_id", text, "message_body", "theirs",
                    "client_msg_id", "b-1"), "not_found", "b-1");
            assertError(bobSocket, Map.of("action", "delete_message", "message_id", text), "not_found", null);
            assertError(aliceSocket, Map.of("action", "edit_message", "message_id", 999_999_999L,
                    "message_body", "x"), "not_found", null);
            assertError(aliceSocket, Map.of("action", "delete_message", "message_id", 999_999_999L,
                    "client_msg_id", "a-1"), "not_found", "a-1");
            // Only text is edited; a deleted message is not edited again; the text follows the text rules.
            assertError(aliceSocket, Map.of("action", "edit_message", "message_id", file, "message_body", "x"),
                    "validation_error", null);
            assertError(aliceSocket, Map.of("action", "edit_message", "message_id", gone, "message_body", "back"),
                    "validation_error", null);
            assertError(aliceSocket, Map.of("action", "edit_message", "message_id", text, "message_body", "  "),
                    "validation_error", null);
            assertError(aliceSocket, Map.of("action", "edit_message", "message_id", text,
                    "message_body", "x".repeat(10_001)), "validation_error", null);
            aliceSocket.send("{\"action\":\"edit_message\",\"message_id\":" + text + ",\"message_body\":\"\\ud83d\"}");
            assertThat(aliceSocket.next().get("code").asText()).isEqualTo("validation_error");
            assertError(aliceSocket, Map.of("action", "edit_message", "message_body", "no id"), "validation_error",
                    null);
            assertError(aliceSocket, Map.of("action", "delete_message", "message_id", "seven"), "validation_error",
                    null);

            // Nothing of that reached anyone else: the next frame each side gets is a new message.
            long marker = sendText(aliceSocket, null, bobSocket, bob, "marker");
            JsonNode messages = history(alice, bob);
            assertThat(messages.get(0).get("id").asLong()).isEqualTo(marker);
            for (JsonNode message : messages) {
                if (message.get("id").asLong() == text) {
                    assertThat(message.get("message").asText()).isEqualTo("mine");
                    assertThat(message.get("edited").booleanValue()).isFalse();
                }
            }
        }
    }

    @Test
    void deletingAFileRemovesItsBytesItsLinksAndItsPlaceInTheThreadFiles() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        JsonNode uploaded = upload(alice, bob);
        long id = uploaded.get("id").asLong();
        String link = uploaded.get("attached_file").asText();
        String key = link.substring(("/media/" + id + "/").length(), link.indexOf('?'));
        Path bytes = SERVER.dataDir().resolve("media").resolve(key);
        assertThat(bytes).exists();
        assertThat(download(link, null).statusCode()).isEqualTo(200);
        long thread = uploaded.get("thread").asLong();

        try (ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            HttpApi.Reply deleted = delete(id, alice);

            assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
            assertThat(deleted.json().get("message").asText()).isEqualTo("Message deleted successfully");
            assertTombstone(deleted.data(), uploaded, "file");
            JsonNode told = bobSocket.next();
            assertThat(told.get("action").asText()).isEqualTo("message_deleted");
            assertThat(told.get("message_id").asLong()).isEqualTo(id);
        }
        assertThat(bytes).doesNotExist();
        assertThat(download(link, null).statusCode()).as("the signed link").isEqualTo(404);
        assertThat(download(link.substring(0, link.indexOf('?')), bob.access()).statusCode())
                .as("a participant's token").isEqualTo(404);
        assertThat(api.get("/chat/thread/files/" + thread + "/", bob.access()).data().get("messages")).isEmpty();
        assertThat(history(bob, alice).get(0)).isEqualTo(delete(id, alice).data());
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
            assertError(aliceSocket, Map.of("action", "file_message", "chat_id", id), "not_found", null);
        }
    }

    @Test
    void restEditsAndDeletesAnswerTheMessageAndRefuseAsTheContractSays() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        long text;
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            text = sendText(aliceSocket, null, bobSocket, bob, "typo");

            HttpApi.Reply edited = patch(text, Map.of("message", "typo fixed"), alice);

            assertThat(edited.status()).as(edited.raw()).isEqualTo(200);
            assertThat(edited.json().get("message").asText()).isEqualTo("Message edited successfully");
            assertThat(edited.data()).isEqualTo(history(alice, bob).get(0));
            assertThat(edited.data().get("message").asText()).isEqualTo("typo fixed");
            assertThat(edited.data().get("edited").booleanValue()).isTrue();
            JsonNode toBob = bobSocket.next();
            assertThat(toBob.get("action").asText()).isEqualTo("message_edited");
            assertThat(toBob.get("message").asText()).isEqualTo("typo fixed");
            assertThat(aliceSocket.next().get("action").asText()).isEqualTo("message_edited");
        }
        long file = upload(alice, bob).get("id").asLong();

        assertFailure(patch(text, Map.of("message", "theirs"), bob), 404, "not_found");
        assertFailure(delete(text, bob), 404, "not_found");
        assertFailure(patch(999_999_999L, Map.of("message", "x"), alice), 404, "not_found");
        assertFailure(delete(999_999_999L, alice), 404, "not_found");
        assertFailure(api.send(api.request("/chat/message/abc/", alice.access()).DELETE()), 404, "not_found");
        assertThat(delete(text, null).status()).isEqualTo(401);
        HttpApi.Reply notText = patch(file, Map.of("message", "x"), alice);
        assertFailure(notText, 400, "validation_error");
        assertThat(notText.json().get("errors").get("message").get(0).asText())
                .isEqualTo("Only text messages can be edited");
        assertThat(assertFailure(patch(text, Map.of("message", " "), alice), 400, "validation_error")
                .get("errors").has("message")).isTrue();
        Map<String, Object> notAString = new LinkedHashMap<>();
        notAString.put("message", 42);
        assertFailure(patch(text, notAString, alice), 400, "validation_error");

        assertThat(delete(text, alice).status()).isEqualTo(200);
        HttpApi.Reply conflict = patch(text, Map.of("message", "back again"), alice);
        assertFailure(conflict, 409, "conflict");
        assertThat(history(alice, bob).get(1).get("deleted").booleanValue()).isTrue();
    }

    /** Alice (one or two devices) sends Bob a text; every connection's frame of it is taken. Returns its id. */
    private static long sendText(ChatSocket alice, ChatSocket aliceToo, ChatSocket bobSocket, Person bob,
                                 String body) {
        alice.send(Frames.text(bob.id(), body));
        long id = bobSocket.next().get("created_msg_id").asLong();
        assertThat(alice.next().get("created_msg_id").asLong()).isEqualTo(id);
        if (aliceToo != null) {
            assertThat(aliceToo.next().get("created_msg_id").asLong()).isEqualTo(id);
        }
        return id;
    }

    private JsonNode upload(Person from, Person to) {
        HttpApi.Reply uploaded = new Multipart().field("receiver", to.id()).field("message", "a caption")
                .file("attached_file", "notes.txt", "some bytes of a file".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post(api, from.access());
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
        return uploaded.json().get("entity").get("message");
    }

    private JsonNode history(Person viewer, Person other) {
        return api.get("/chat/messages/" + other.id() + "/", viewer.access()).data().get("messages");
    }

    private HttpApi.Reply patch(long id, Map<String, ?> body, Person caller) {
        try {
            return api.send(api.request("/chat/message/" + id + "/", caller.access())
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(HttpApi.JSON.writeValueAsString(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpApi.Reply delete(long id, Person caller) {
        return api.send(api.request("/chat/message/" + id + "/", caller == null ? null : caller.access()).DELETE());
    }

    private HttpResponse<byte[]> download(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SERVER.httpBase() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpApi.sendForBytes(client, request.build());
    }

    private static void assertError(ChatSocket socket, Map<String, Object> frame, String code, String clientMsgId) {
        socket.send(frame);
        JsonNode error = socket.next();
        assertThat(error.get("action").asText()).as(frame.toString()).isEqualTo("error");
        assertThat(error.get("code").asText()).as(frame.toString()).isEqualTo(code);
        assertThat(error.get("request_action").asText()).isEqualTo(frame.get("action"));
        assertThat(error.has("client_msg_id") ? error.get("client_msg_id").asText() : null).isEqualTo(clientMsgId);
    }

    private static JsonNode assertFailure(HttpApi.Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.json().get("status").asText()).isEqualTo("failure");
        assertThat(reply.json().get("code").asText()).isEqualTo(code);
        return reply.json();
    }

    /** A tombstone of {@code before}: same id, thread, people and creation, nothing of what it said. */
    private static void assertTombstone(JsonNode tombstone, JsonNode before, String type) {
        assertThat(tombstone.get("deleted").booleanValue()).isTrue();
        assertThat(tombstone.get("message").isNull()).isTrue();
        assertThat(tombstone.get("attached_file").isNull()).isTrue();
        assertThat(tombstone.get("attached_file_name").isNull()).isTrue();
        assertThat(tombstone.get("attached_file_size").asText()).isEqualTo("0kb");
        assertThat(tombstone.get("attached_file_bytes").asLong()).isZero();
        assertThat(tombstone.get("message_type").asText()).isEqualTo(type);
        for (String same : new String[] {"id", "thread", "created_at", "sender", "receiver"}) {
            assertThat(tombstone.get(same)).as(same).isEqualTo(before.get(same));
        }
        assertThat(Frames.keys(tombstone)).isEqualTo(Frames.keys(before).stream()
                .filter(key -> !Set.of("created", "updated").contains(key))
                .collect(java.util.stream.Collectors.toSet()));
    }
}
