package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.bootstrap.e2e.People.Person;
import org.parley.domain.WellFormedText;

/**
 * Contract §10 against the whole server, with real clients: text that is not valid Unicode is refused at every
 * entrance (websocket frames, JSON bodies, multipart fields and file names) and never stored or echoed; a frame is
 * exactly one JSON object; receiver ids are validated before they are looked up; and rows that hold such text from
 * before (written with plain SQL) are rendered with U+FFFD.
 */
class InputRulesEndToEndTest {

    /** {@code "\ud83d"} as JSON writes it: six ASCII characters, an unpaired high surrogate once parsed. */
    private static final String LONE = "\\ud83d";
    /** The same lone surrogate as a UTF-8 encoder without checks would write it (CESU-8 / WTF-8). */
    private static final byte[] ENCODED_SURROGATE = {(byte) 0xED, (byte) 0xA0, (byte) 0xBD};

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private static HttpApi api;
    private static People people;

    @BeforeAll
    static void client() {
        api = new HttpApi(SERVER.httpBase());
        people = new People(api);
    }

    @Test
    void aLoneSurrogateFrameIsAValidationErrorNothingIsStoredAndDeliveryGoesOn() {
        Person a = people.register("A");
        Person b = people.register("B");
        Person c = people.register("C");
        Person d = people.register("D");
        try (ChatSocket aSocket = ChatSocket.connect(SERVER.wsBase(), a.access());
             ChatSocket bSocket = ChatSocket.connect(SERVER.wsBase(), b.access());
             ChatSocket cSocket = ChatSocket.connect(SERVER.wsBase(), c.access());
             ChatSocket dSocket = ChatSocket.connect(SERVER.wsBase(), d.access())) {
            aSocket.send("{\"action\":\"text_message\",\"message_body\":\"" + LONE + "\",\"receiver_id\":\"" + b.id()
                    + "\",\"client_msg_id\":\"m1\"}");

            JsonNode error = aSocket.next();
            assertThat(error.get("action").asText()).isEqualTo("error");
            assertThat(error.get("code").asText()).isEqualTo("validation_error");
            assertThat(error.get("request_action").asText()).isEqualTo("text_message");
            assertThat(error.get("client_msg_id").asText()).isEqualTo("m1");
            assertThat(history(a, b)).as("nothing stored").isEmpty();

            aSocket.send(Frames.text(b.id(), "after the bad frame", "m2"));
            assertThat(aSocket.next().get("action").asText()).isEqualTo("conf_message");
            assertThat(bSocket.next().get("message").asText()).as("B got nothing before this")
                    .isEqualTo("after the bad frame");
            cSocket.send(Frames.text(d.id(), "bystanders still chat"));
            assertThat(dSocket.next().get("message").asText()).isEqualTo("bystanders still chat");
            assertThat(cSocket.next().get("action").asText()).isEqualTo("conf_message");
            assertThat(history(a, b)).hasSize(1);
        }
    }

    @Test
    void aLoneSurrogateInAFrameKeyOrAnyFieldIsAValidationErrorToo() {
        Person a = people.register("A");
        Person b = people.register("B");
        try (ChatSocket aSocket = ChatSocket.connect(SERVER.wsBase(), a.access())) {
            for (String frame : new String[] {
                    "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\"" + b.id() + "\",\"" + LONE + "\":1}",
                    "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\"" + b.id() + "\",\"client_msg_id\":\"" + LONE + "\"}",
                    "{\"action\":\"" + LONE + "\",\"message_body\":\"hi\",\"receiver_id\":\"" + b.id() + "\"}",
                    "{\"action\":\"user_profile_message\",\"attached_profile_id\":\"" + a.id() + "\",\"receiver_id\":\"" + b.id() + "\",\"x\":[\"\\udc00\"]}"}) {
                aSocket.send(frame);
                JsonNode error = aSocket.next();
                assertThat(error.get("code").asText()).as(frame).isEqualTo("validation_error");
                assertThat(error.has("client_msg_id")).isFalse();
            }
            assertThat(history(a, b)).isEmpty();
        }
    }

    /**
     * U+0000 cannot be stored in PostgreSQL text (before, the frame was accepted and its storing failed there with an
     * internal_error): it is refused at once on every store. Other control characters are text, as in the seed.
     */
    @Test
    void aNullCharacterIsRefusedOnEveryStoreAndOtherControlCharactersAreStored() {
        Person a = people.register("A");
        Person b = people.register("B");
        try (ChatSocket aSocket = ChatSocket.connect(SERVER.wsBase(), a.access())) {
            aSocket.send("{\"action\":\"text_message\",\"message_body\":\"a\\u0000b\",\"receiver_id\":\"" + b.id()
                    + "\",\"client_msg_id\":\"n1\"}");
            JsonNode error = aSocket.next();
            assertThat(error.get("code").asText()).isEqualTo("validation_error");
            assertThat(error.get("client_msg_id").asText()).isEqualTo("n1");

            aSocket.send(Frames.text(b.id(), "bell\u0007 escape\u001b"));
            assertThat(aSocket.next().get("action").asText()).isEqualTo("conf_message");
            assertThat(history(a, b)).singleElement()
                    .satisfies(message -> assertThat(message.get("message").asText()).isEqualTo("bell\u0007 escape\u001b"));
        }
        HttpApi.Reply registered = api.post("/auth/register/", "{\"email\":\"nul-" + UUID.randomUUID()
                + "@example.com\",\"password\":\"long enough password\",\"fullname\":\"N\\u0000\"}", null);
        assertFieldError(registered, "fullname");
    }

    @Test
    void textAfterTheFrameObjectMakesTheWholeFrameInvalidJson() {
        Person a = people.register("A");
        Person b = people.register("B");
        try (ChatSocket aSocket = ChatSocket.connect(SERVER.wsBase(), a.access());
             ChatSocket bSocket = ChatSocket.connect(SERVER.wsBase(), b.access())) {
            String frame = "{\"action\":\"text_message\",\"message_body\":\"one\",\"receiver_id\":\"" + b.id() + "\"}";
            for (String bad : new String[] {frame + " " + frame, frame + " xyz"}) {
                aSocket.send(bad);
                JsonNode error = aSocket.next();
                assertThat(error.get("code").asText()).isEqualTo("invalid_json");
                assertThat(error.get("request_action").isNull()).isTrue();
            }
            assertThat(history(a, b)).as("nothing of such a frame is acted on").isEmpty();
            aSocket.send(Frames.text(b.id(), "probe"));
            assertThat(bSocket.next().get("message").asText()).as("B's first frame is the probe").isEqualTo("probe");
        }
    }

    @Test
    void receiverIdsAreCheckedForFormBeforeTheyAreLookedUp() {
        Person a = people.register("A");
        Person b = people.register("B");
        try (ChatSocket aSocket = ChatSocket.connect(SERVER.wsBase(), a.access())) {
            assertFrameError(aSocket, "{\"action\":\"text_message\",\"message_body\":\"no receiver\"}", "validation_error");
            assertFrameError(aSocket, "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":null}",
                    "validation_error");
            assertFrameError(aSocket, "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":42}",
                    "validation_error");
            assertFrameError(aSocket, "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\"not-a-uuid\"}",
                    "validation_error");
            assertFrameError(aSocket, "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\""
                    + UUID.randomUUID() + "\"}", "invalid_receiver");
            assertFrameError(aSocket, "{\"action\":\"user_profile_message\",\"attached_profile_id\":\"carol\","
                    + "\"receiver_id\":\"" + b.id() + "\"}", "validation_error");
            assertFrameError(aSocket, "{\"action\":\"user_profile_message\",\"attached_profile_id\":\"" + a.id()
                    + "\",\"receiver_id\":\"" + UUID.randomUUID() + "\"}", "invalid_receiver");
            assertThat(history(a, b)).isEmpty();
        }
    }

    @Test
    void aLoneSurrogateInAJsonBodyIsAFieldErrorAndNobodyIsCreated() {
        String email = "lone-" + UUID.randomUUID() + "@example.com";
        HttpApi.Reply registered = api.post("/auth/register/", "{\"email\":\"" + email
                + "\",\"password\":\"long enough password\",\"fullname\":\"Ada " + LONE + "\"}", null);
        assertFieldError(registered, "fullname");
        assertThat(api.post("/auth/token/", Map.of("email", email, "password", "long enough password"), null).status())
                .as("no account was made").isEqualTo(401);

        String id = UUID.randomUUID().toString();
        Map<String, String> key = Map.of("X-Api-Key", RunningParley.ADMIN_API_KEY);
        assertFieldError(api.put("/admin/users/" + id + "/", "{\"email\":\"b-" + id + "@example.com\",\"fullname\":\""
                + LONE + "\"}", key), "fullname");
        assertFieldError(api.put("/admin/users/" + id + "/", "{\"email\":\"b-" + id + "@example.com\",\"fullname\":\"B\",\""
                + LONE + "\":true}", key), "non_field_errors");
        HttpApi.Reply created = api.put("/admin/users/" + id + "/", "{\"email\":\"b-" + id + "@example.com\","
                + "\"fullname\":\"B \\ud83d\\ude00\"}", key);
        assertThat(created.status()).as("not created before").isEqualTo(201);
        assertThat(created.data().get("fullname").asText()).isEqualTo("B 😀");
    }

    @Test
    void everyJsonBodyIsExactlyOneValue() {
        HttpApi.Reply reply = api.post("/auth/register/", "{\"email\":\"one@example.com\",\"password\":\"long enough "
                + "password\",\"fullname\":\"One\"} {\"fullname\":\"Two\"}", null);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("code").asText()).isEqualTo("invalid_json");
        assertThat(api.post("/auth/token/", "{\"email\":\"one@example.com\",\"password\":\"long enough password\"} x",
                null).json().get("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void textThatIsNotUtf8InAnUploadIsRefusedAndLeavesNoFile() throws IOException {
        Person a = people.register("A");
        Person b = people.register("B");
        Set<Path> before = filesUnder(SERVER.dataDir());

        HttpApi.Reply badCaption = new Multipart().field("receiver", b.id())
                .rawField("message", concat("caption ".getBytes(StandardCharsets.UTF_8), ENCODED_SURROGATE))
                .file("attached_file", "a.txt", new byte[] {1, 2, 3}).post(api, a.access());
        assertFieldError(badCaption, "message");
        HttpApi.Reply badFileName = new Multipart().field("receiver", b.id())
                .rawFile("attached_file", concat("name".getBytes(StandardCharsets.UTF_8), ENCODED_SURROGATE),
                        new byte[] {1, 2, 3}).post(api, a.access());
        assertFieldError(badFileName, "attached_file");
        HttpApi.Reply badNameField = new Multipart().field("receiver", b.id())
                .file("attached_file", "a.txt", new byte[] {1, 2, 3})
                .rawField("attached_file_name", ENCODED_SURROGATE).post(api, a.access());
        assertFieldError(badNameField, "attached_file_name");

        assertThat(filesUnder(SERVER.dataDir())).as("no file in media/, no temporary file").isEqualTo(before);
        assertThat(history(a, b)).isEmpty();
    }

    /**
     * A user and a message written before the rule (here with plain SQL; on H2 the rows keep the lone surrogates) are
     * served everywhere they appear, with U+FFFD in place of each: history, thread list, and a shared profile's frame.
     */
    @Test
    void rowsWrittenBeforeTheRuleAreRenderedWithReplacementCharacters() throws SQLException {
        Person a = people.register("A");
        String oldUser = UUID.randomUUID().toString();
        sql("INSERT INTO users (id, email, email_normalized, password, fullname, phone_number, account_type, "
                        + "is_active, is_email_verified, is_phone_verified, is_profile_complete, is_staff, is_admin, "
                        + "is_superuser, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?, 'user', TRUE, FALSE, "
                        + "FALSE, FALSE, FALSE, FALSE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                UUID.fromString(oldUser), "old-" + oldUser + "@example.com", "old-" + oldUser + "@example.com",
                "Old \ud83d Name", "\udc00 123");
        String expectedName = WellFormedText.replaceUnpairedSurrogates(
                column("SELECT fullname FROM users WHERE id = ?", UUID.fromString(oldUser)));
        if (!PostgresForTests.selected()) {
            assertThat(expectedName).as("H2 kept the surrogate; it is read as U+FFFD").isEqualTo("Old \uFFFD Name");
        }

        try (ChatSocket aSocket = ChatSocket.connect(SERVER.wsBase(), a.access())) {
            aSocket.send(Frames.text(oldUser, "hello from before"));
            JsonNode stored = aSocket.next();
            assertThat(stored.get("action").asText()).isEqualTo("conf_message");
            long messageId = stored.get("created_msg_id").asLong();
            sql("UPDATE messages SET body = ? WHERE id = ?", "broken \ude00 body", messageId);
            String expectedBody = WellFormedText.replaceUnpairedSurrogates(
                    column("SELECT body FROM messages WHERE id = ?", messageId));

            aSocket.send(Map.of("action", "user_profile_message", "attached_profile_id", oldUser,
                    "receiver_id", oldUser));
            JsonNode share = aSocket.next();
            assertThat(share.get("action").asText()).isEqualTo("conf_message");
            assertThat(share.get("attached_profile").get("fullname").asText()).isEqualTo(expectedName);

            HttpApi.Reply history = api.get("/chat/messages/" + oldUser + "/?limit=10", a.access());
            assertThat(history.status()).isEqualTo(200);
            JsonNode messages = history.data().get("messages");
            assertThat(messages.get(1).get("message").asText()).isEqualTo(expectedBody);
            assertThat(messages.get(0).get("receiver").get("fullname").asText()).isEqualTo(expectedName);
            HttpApi.Reply threads = api.get("/chat/user/threads/", a.access());
            assertThat(threads.status()).isEqualTo(200);
            assertThat(threads.data().get(0).get("other_user").get("fullname").asText()).isEqualTo(expectedName);
            if (!PostgresForTests.selected()) {
                assertThat(expectedBody).isEqualTo("broken \uFFFD body");
            }
        }
    }

    private static void assertFrameError(ChatSocket socket, String frame, String code) {
        socket.send(frame);
        JsonNode error = socket.next();
        assertThat(error.get("code").asText()).as(frame).isEqualTo(code);
        assertThat(error.get("request_action").asText()).as(frame).isNotBlank();
    }

    private static void assertFieldError(HttpApi.Reply reply, String field) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
        assertThat(reply.json().get("code").asText()).isEqualTo("validation_error");
        assertThat(Frames.keys(reply.json().get("errors"))).containsExactly(field);
        assertThat(WellFormedText.isWellFormed(reply.raw())).isTrue();
    }

    private static JsonNode history(Person reader, Person other) {
        HttpApi.Reply reply = api.get("/chat/messages/" + other.id() + "/", reader.access());
        assertThat(reply.status()).isEqualTo(200);
        return reply.data().get("messages");
    }

    private static void sql(String statement, Object... parameters) throws SQLException {
        try (Connection connection = SERVER.connectToDatabase();
             PreparedStatement update = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static String column(String query, Object key) throws SQLException {
        try (Connection connection = SERVER.connectToDatabase();
             PreparedStatement select = connection.prepareStatement(query)) {
            select.setObject(1, key);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static Set<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(path -> !path.getFileName().toString().endsWith(".db"))
                    .collect(Collectors.toSet());
        }
    }
}
