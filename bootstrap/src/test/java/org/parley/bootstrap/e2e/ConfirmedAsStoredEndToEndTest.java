package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * What a {@code conf_message} and a {@code re_message} say about a message is what history says about it afterwards,
 * read from the database (clients de-duplicate by id and keep one of the two): the id, the people, the text to the
 * UTF-16 code unit, the file's caption, name and size, the shared profile, and the instants to the microsecond. Group
 * commit answers a stored message from its draft rather than from its row read back (MessageMapper.stored), so this is
 * where a difference between the two would show: text that is astral, combining, not NFC, bidirectional, a BOM, line
 * and paragraph separators, noncharacters, U+10FFFF, escaped surrogate pairs; an unpaired surrogate is refused and
 * stores nothing. A repeated send's conf_message (read back) is the first one (built from the draft). An edit's
 * frame and history agree too.
 */
class ConfirmedAsStoredEndToEndTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);

    static final List<String> TEXTS = List.of(
            "astral 😀 𝕏 𐍈 \uDBFF\uDFFF",
            "combining e\u0301 a\u0308\u0308\u0308 \u1100\u1161\u11A8 not NFC: \u212B \u0041\u030A",
            "zwj 👩\u200D👩\u200D👧\u200D👦 flags 🇫🇷 skin 👍🏽 vs \uFE0F",
            "\uFEFFbom first, bidi \u202Eevil\u202C \u200F rtl \u05D0\u05D1 \u0627\u0644",
            "separators\u2028line\u2029para\r\n crlf \t tab \u0085 nel \u00A0 nbsp",
            "noncharacters \uFFFE \uFFFF \uFDD0 private \uE000 \uDB80\uDC00",
            "  leading and trailing spaces  ",
            "x");

    @Test
    void framesAndHistoryAgreeOnEveryKindOfMessageAndOnUnusualText() throws Exception {
        Person alice = people.register("Alice Ⅻ 😀");
        Person bob = people.register("Bob");
        Person carol = people.register("Carol \u0301\uD83D\uDE00");
        Map<Long, JsonNode> confirmed = new HashMap<>();
        Map<Long, JsonNode> received = new HashMap<>();
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            int n = 0;
            for (String text : TEXTS) {
                aliceSocket.send(Frames.text(bob.id(), text, "t-" + n++));
            }
            // The same astral text as JSON escapes, the surrogate pair spelled out.
            aliceSocket.send("{\"action\":\"text_message\",\"receiver_id\":\"" + bob.id()
                    + "\",\"message_body\":\"escaped \\ud83d\\ude00 \\uD834\\uDD1E\",\"client_msg_id\":\"t-esc\"}");
            // An unpaired surrogate: refused, nothing stored.
            aliceSocket.send("{\"action\":\"text_message\",\"receiver_id\":\"" + bob.id()
                    + "\",\"message_body\":\"broken \\ud83d here\",\"client_msg_id\":\"t-bad\"}");
            aliceSocket.send(Map.of("action", "user_profile_message", "attached_profile_id", carol.id(),
                    "receiver_id", bob.id(), "client_msg_id", "p-1"));
            int expected = TEXTS.size() + 2;
            List<JsonNode> errors = new ArrayList<>();
            while (confirmed.size() + errors.size() < expected + 1) {
                JsonNode frame = aliceSocket.next();
                if ("conf_message".equals(frame.path("action").asText())) {
                    confirmed.put(frame.get("created_msg_id").asLong(), frame);
                } else if ("error".equals(frame.path("action").asText())) {
                    errors.add(frame);
                }
            }
            assertThat(errors).as("only the unpaired surrogate is refused").hasSize(1);
            assertThat(errors.get(0).toString()).contains("t-bad");
            while (received.size() < expected) {
                JsonNode frame = bobSocket.next();
                if ("re_message".equals(frame.path("action").asText())) {
                    received.put(frame.get("created_msg_id").asLong(), frame);
                }
            }
            // A repeated send (contract §14) is answered from the row read back; it must be the first answer, byte
            // for byte, though that one was built from the draft.
            Map<String, JsonNode> first = new HashMap<>();
            confirmed.values().forEach(frame -> first.put(frame.get("client_msg_id").asText(), frame));
            n = 0;
            for (String text : TEXTS) {
                aliceSocket.send(Frames.text(bob.id(), text, "t-" + n++));
            }
            for (int i = 0; i < TEXTS.size(); i++) {
                JsonNode repeat = aliceSocket.next();
                assertThat(repeat).as("repeat of %s", repeat.path("client_msg_id"))
                        .isEqualTo(first.get(repeat.get("client_msg_id").asText()));
            }
        }
        JsonNode answered = upload(alice, bob, "caption 😀 e\u0301 \u2028 end", "na\u0308me 👩\u200D👧 \u202E.txt");
        long file = answered.get("id").asLong();
        assertThat(confirmed.keySet()).isEqualTo(received.keySet());

        Map<Long, JsonNode> history = history(alice, bob);
        Map<Long, JsonNode> bobsHistory = history(bob, alice);
        assertThat(history.keySet()).containsAll(confirmed.keySet()).contains(file).hasSize(confirmed.size() + 1);
        assertThat(bobsHistory.keySet()).isEqualTo(history.keySet());

        for (long id : confirmed.keySet()) {
            JsonNode conf = confirmed.get(id);
            JsonNode re = received.get(id);
            JsonNode stored = history.get(id);
            for (String field : List.of("sender_id", "receiver_id", "message", "timestamp", "message_type")) {
                assertThat(conf.get(field)).as(id + " " + field).isEqualTo(re.get(field));
            }
            assertThat(stored.get("sender").get("id").asText()).isEqualTo(conf.get("sender_id").asText());
            assertThat(stored.get("receiver").get("id").asText()).isEqualTo(conf.get("receiver_id").asText());
            assertThat(stored.get("message_type")).isEqualTo(conf.get("message_type"));
            assertThat(stored.get("message")).as("text of %d, by code unit", id).isEqualTo(conf.get("message"));
            assertThat(instant(stored.get("created_at"))).as("created_at of %d", id)
                    .isEqualTo(instant(conf.get("timestamp")));
            assertThat(stored.get("updated_at")).isEqualTo(stored.get("created_at"));
            assertThat(stored.get("edited").booleanValue()).isFalse();
            if ("user_profile".equals(conf.get("message_type").asText())) {
                assertThat(stored.get("attached_profile").asText()).isEqualTo(conf.get("attached_profile").get("id").asText())
                        .isEqualTo(carol.id());
            }
            assertThat(bobsHistory.get(id).get("message")).isEqualTo(stored.get("message"));
        }
        List<String> texts = new ArrayList<>(TEXTS);
        texts.add("escaped 😀 𝄞");
        assertThat(confirmed.values().stream().filter(frame -> "text".equals(frame.get("message_type").asText()))
                .map(frame -> frame.get("message").asText()).toList()).containsExactlyInAnyOrderElementsOf(texts);

        // The file: its 201, its frames (announced with file_message) and history.
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            aliceSocket.send(Map.of("action", "file_message", "chat_id", file, "client_msg_id", "f-1"));
            JsonNode re = bobSocket.next();
            JsonNode conf = aliceSocket.next();
            JsonNode stored = history.get(file);
            for (JsonNode frame : List.of(re, conf)) {
                assertThat(frame.get("created_msg_id").asLong()).isEqualTo(file);
                assertThat(frame.get("message_body")).isEqualTo(stored.get("message"));
                assertThat(frame.get("attached_file_name")).isEqualTo(stored.get("attached_file_name"));
                assertThat(frame.get("attached_file_bytes")).isEqualTo(stored.get("attached_file_bytes"));
                assertThat(frame.get("attached_file_size")).isEqualTo(stored.get("attached_file_size"));
                assertThat(instant(frame.get("timestamp"))).isEqualTo(instant(stored.get("created_at")));
            }
            assertThat(stored.get("message").asText()).isEqualTo("caption 😀 e\u0301 \u2028 end");
            // The upload drops bidirectional controls from a file name (its 201 says so); history keeps what it said.
            assertThat(stored.get("attached_file_name")).isEqualTo(answered.get("attached_file_name"));
            assertThat(stored.get("attached_file_name").asText()).isEqualTo("na\u0308me 👩\u200D👧 .txt");
            assertThat(instant(stored.get("created_at"))).isEqualTo(instant(answered.get("created_at")));
            assertThat(stored.get("attached_file_bytes")).isEqualTo(answered.get("attached_file_bytes"));

            // An edit to unusual text: its frame and history agree, to the microsecond.
            long text = confirmed.keySet().stream().min(Long::compare).orElseThrow();
            String edited = "edited \u0301\u0301 😀\uFEFF \uDBFF\uDFFF";
            aliceSocket.send(Map.of("action", "edit_message", "message_id", text, "message_body", edited,
                    "client_msg_id", "e-1"));
            JsonNode toBob = bobSocket.next();
            assertThat(toBob.get("action").asText()).isEqualTo("message_edited");
            JsonNode after = history(alice, bob).get(text);
            assertThat(after.get("message").asText()).isEqualTo(edited).isEqualTo(toBob.get("message").asText());
            assertThat(after.get("edited").booleanValue()).isTrue();
            assertThat(instant(after.get("updated_at"))).isEqualTo(instant(toBob.get("edited_at")));
            assertThat(after.get("created_at")).isEqualTo(history.get(text).get("created_at"));
        }
    }

    private JsonNode upload(Person from, Person to, String caption, String fileName) {
        HttpApi.Reply uploaded = new Multipart().field("receiver", to.id()).field("message", caption)
                .file("attached_file", "upload.txt", "some text".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .field("attached_file_name", fileName)
                .post(api, from.access());
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
        JsonNode message = uploaded.json().get("entity").get("message");
        assertThat(message.get("message").asText()).isEqualTo(caption);
        return message;
    }

    private Map<Long, JsonNode> history(Person reader, Person other) {
        HttpApi.Reply page = api.get("/chat/messages/" + other.id() + "/?limit=200", reader.access());
        assertThat(page.status()).as(page.raw()).isEqualTo(200);
        Map<Long, JsonNode> byId = new HashMap<>();
        page.data().get("messages").forEach(message -> byId.put(message.get("id").asLong(), message));
        return byId;
    }

    private static Instant instant(JsonNode stamp) {
        return OffsetDateTime.parse(stamp.asText()).toInstant();
    }
}
