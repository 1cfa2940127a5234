package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §11 (read state, unread counts) through a real server with real clients: the {@code seen} frame and the
 * {@code seen_message} frames it causes (to the other participant's connections and to every connection of the reader,
 * the requesting one included, with its {@code client_msg_id}), every refusal, {@code seen} on every message object
 * of REST, {@code unread_count} on each thread, {@code POST /chat/thread/<id>/seen/}, and unread counts under
 * concurrent sends and marks. In the cluster run the connections alternate between two nodes.
 */
class ReadStateEndToEndTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);

    @Test
    void aSeenFrameTellsTheOtherSideAndEveryDeviceOfTheReaderAndShowsInHistoryAndThreads() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket alicePhone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobPhone = ChatSocket.connect(SERVER.wsBase(), bob.access());
             ChatSocket bobLaptop = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            long first = send(alicePhone, bob, "first", bobPhone, bobLaptop);
            long second = send(alicePhone, bob, "second", bobPhone, bobLaptop);
            assertThat(unreadWith(bob, alice)).isEqualTo(2);

            bobPhone.send(seen(second, "r-1"));

            JsonNode toAlice = alicePhone.next();
            assertThat(Frames.keys(toAlice)).containsExactlyInAnyOrder(
                    "action", "thread", "reader_id", "message_id", "timestamp");
            assertThat(toAlice.get("action").asText()).isEqualTo("seen_message");
            assertThat(toAlice.get("reader_id").asText()).isEqualTo(bob.id());
            assertThat(toAlice.get("message_id").asLong()).isEqualTo(second);
            assertThat(toAlice.get("thread").asLong()).isEqualTo(threadOf(bob, alice));
            assertThat(toAlice.get("timestamp").asText()).matches(Frames.WS_TIMESTAMP);
            for (ChatSocket device : List.of(bobPhone, bobLaptop)) {
                JsonNode ack = device.next();
                assertThat(ack.get("action").asText()).isEqualTo("seen_message");
                assertThat(ack.get("client_msg_id").asText()).as("the reader's request, echoed").isEqualTo("r-1");
                assertThat(ack.get("message_id").asLong()).isEqualTo(second);
                assertThat(ack.get("timestamp")).isEqualTo(toAlice.get("timestamp"));
            }
            for (ChatSocket device : List.of(alicePhone, bobPhone, bobLaptop)) {
                assertThat(device.poll(QUIET)).as("one frame each").isNull();
            }

            for (Person viewer : List.of(alice, bob)) {
                Person other = viewer == alice ? bob : alice;
                JsonNode messages = api.get("/chat/messages/" + other.id() + "/", viewer.access()).data().get("messages");
                assertThat(messages).extracting(message -> message.get("id").asLong()).containsExactly(second, first);
                assertThat(messages).extracting(message -> message.get("seen").asBoolean()).containsExactly(true, true);
            }
            assertThat(unreadWith(bob, alice)).isZero();
            assertThat(unreadWith(alice, bob)).isZero();
            JsonNode alicesThread = threadWith(alice, bob);
            assertThat(alicesThread.get("last_message").get("seen").asBoolean()).isTrue();

            // Bob answers: Alice's count grows, and Bob's own marker says nothing about his message.
            long reply = send(bobPhone, alice, "reply", alicePhone);
            bobLaptop.next();
            assertThat(unreadWith(alice, bob)).isEqualTo(1);
            assertThat(threadWith(alice, bob).get("last_message").get("id").asLong()).isEqualTo(reply);
            assertThat(threadWith(alice, bob).get("last_message").get("seen").asBoolean()).isFalse();
        }
    }

    @Test
    void aMarkerNeverMovesBackAndAnOlderMarkIsAcknowledgedToTheReaderAlone() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket alicePhone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobPhone = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            long first = send(alicePhone, bob, "first", bobPhone);
            long second = send(alicePhone, bob, "second", bobPhone);
            bobPhone.send(seen(second, null));
            assertThat(alicePhone.next().get("message_id").asLong()).isEqualTo(second);
            assertThat(bobPhone.next().has("client_msg_id")).isFalse();

            bobPhone.send(seen(first, "late"));

            JsonNode ack = bobPhone.next();
            assertThat(ack.get("action").asText()).isEqualTo("seen_message");
            assertThat(ack.get("message_id").asLong()).as("the marker stays at the later message").isEqualTo(second);
            assertThat(ack.get("client_msg_id").asText()).isEqualTo("late");
            assertThat(alicePhone.poll(QUIET)).as("nothing new for the other side").isNull();
            JsonNode history = api.get("/chat/messages/" + bob.id() + "/", alice.access()).data().get("messages");
            assertThat(history).extracting(message -> message.get("seen").asBoolean()).containsExactly(true, true);
        }
    }

    @Test
    void everyRefusedSeenFrameGetsItsErrorFrameAndTheConnectionStaysOpen() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person carol = people.register("Carol");
        try (ChatSocket alicePhone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobPhone = ChatSocket.connect(SERVER.wsBase(), bob.access());
             ChatSocket carolPhone = ChatSocket.connect(SERVER.wsBase(), carol.access())) {
            long hello = send(alicePhone, bob, "hello", bobPhone);

            carolPhone.send(seen(hello, "c-1"));
            assertError(carolPhone.next(), "not_found", "c-1");
            bobPhone.send(seen(hello + 1_000_000, "b-1"));
            assertError(bobPhone.next(), "not_found", "b-1");
            for (Object bad : List.of("abc", 0, -4, 1.5, true, List.of(hello), Map.of())) {
                Map<String, Object> frame = new LinkedHashMap<>();
                frame.put("action", "seen");
                frame.put("message_id", bad);
                frame.put("client_msg_id", "v");
                bobPhone.send(frame);
                assertError(bobPhone.next(), "validation_error", "v");
            }
            bobPhone.send(Map.of("action", "seen"));
            assertError(bobPhone.next(), "validation_error", null);
            assertThat(alicePhone.poll(QUIET)).as("no refusal tells the other side anything").isNull();
            assertThat(unreadWith(bob, alice)).isEqualTo(1);

            bobPhone.send(seen(hello, "ok"));
            assertThat(bobPhone.next().get("client_msg_id").asText()).as("still open and served").isEqualTo("ok");
            assertThat(alicePhone.next().get("action").asText()).isEqualTo("seen_message");
        }
    }

    @Test
    void theRestFormMarksLikeTheFrameAndRefusesWhatTheFrameRefuses() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person carol = people.register("Carol");
        try (ChatSocket alicePhone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobPhone = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            long hello = send(alicePhone, bob, "hello", bobPhone);
            long thread = threadOf(bob, alice);
            String path = "/chat/thread/" + thread + "/seen/";

            HttpApi.Reply marked = api.post(path, Map.of("message_id", hello), bob.access());

            assertThat(marked.status()).as(marked.raw()).isEqualTo(200);
            assertThat(Frames.keys(marked.data())).containsExactlyInAnyOrder("thread", "message_id");
            assertThat(marked.data().get("thread").asLong()).isEqualTo(thread);
            assertThat(marked.data().get("message_id").asLong()).isEqualTo(hello);
            for (ChatSocket device : List.of(alicePhone, bobPhone)) {
                JsonNode frame = device.next();
                assertThat(frame.get("action").asText()).isEqualTo("seen_message");
                assertThat(frame.get("message_id").asLong()).isEqualTo(hello);
                assertThat(frame.has("client_msg_id")).isFalse();
            }
            assertThat(unreadWith(bob, alice)).isZero();

            assertThat(api.post(path, Map.of("message_id", hello), carol.access()).status())
                    .as("not a participant").isEqualTo(404);
            assertThat(api.post("/chat/thread/999999999/seen/", Map.of("message_id", hello), bob.access()).status())
                    .as("unknown thread").isEqualTo(404);
            assertThat(api.post("/chat/thread/x/seen/", Map.of("message_id", hello), bob.access()).status())
                    .isEqualTo(404);
            try (ChatSocket carolPhone = ChatSocket.connect(SERVER.wsBase(), carol.access())) {
                send(carolPhone, alice, "hi alice", alicePhone);
            }
            long other = threadOf(alice, carol);
            assertThat(api.post("/chat/thread/" + other + "/seen/", Map.of("message_id", hello), alice.access())
                    .status()).as("a message of another thread").isEqualTo(404);
            assertThat(api.post(path, Map.of("message_id", hello + 1_000_000), bob.access()).status()).isEqualTo(404);
            HttpApi.Reply invalid = api.post(path, Map.of("message_id", "abc"), bob.access());
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.json().get("code").asText()).isEqualTo("validation_error");
            assertThat(invalid.json().get("errors").has("message_id")).isTrue();
            assertThat(api.post(path, Map.of(), bob.access()).status()).isEqualTo(400);
            assertThat(api.post(path, Map.of("message_id", hello), null).status()).isEqualTo(401);
            assertThat(alicePhone.poll(QUIET)).as("refusals tell nobody").isNull();
        }
    }

    @Test
    void threadFilesAndTheUploadAnswerCarrySeen() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        HttpApi.Reply uploaded = new Multipart().field("receiver", bob.id())
                .file("attached_file", "a.txt", "file".getBytes(StandardCharsets.UTF_8)).post(api, alice.access());
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
        JsonNode message = uploaded.json().get("entity").get("message");
        assertThat(message.get("seen").asBoolean()).isFalse();
        assertThat(message.get("deleted").asBoolean()).isFalse();
        long thread = message.get("thread").asLong();

        assertThat(api.post("/chat/thread/" + thread + "/seen/", Map.of("message_id", message.get("id").asLong()),
                bob.access()).status()).isEqualTo(200);

        JsonNode files = api.get("/chat/thread/files/" + thread + "/", alice.access()).data().get("messages");
        assertThat(files).singleElement().satisfies(file -> assertThat(file.get("seen").asBoolean()).isTrue());
    }

    @Test
    void unreadCountsStayRightUnderConcurrentSendsAndMarks() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        int perSender = 40;
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (ChatSocket alicePhone = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobPhone = ChatSocket.connect(SERVER.wsBase(), bob.access());
             ChatSocket bobReader = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            List<Future<?>> senders = new ArrayList<>();
            for (ChatSocket[] pair : List.of(new ChatSocket[] {alicePhone}, new ChatSocket[] {bobPhone})) {
                ChatSocket socket = pair[0];
                Person to = socket == alicePhone ? bob : alice;
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        socket.send(Frames.text(to.id(), "m" + i, "c" + i));
                    }
                    return null;
                }));
            }
            Future<?> marker = pool.submit(() -> {
                // Bob keeps marking the newest message he can see, over REST, while both write.
                while (sending.get()) {
                    JsonNode newest = api.get("/chat/messages/" + alice.id() + "/?limit=1", bob.access()).data()
                            .get("messages");
                    if (!newest.isEmpty()) {
                        long thread = newest.get(0).get("thread").asLong();
                        assertThat(api.post("/chat/thread/" + thread + "/seen/",
                                Map.of("message_id", newest.get(0).get("id").asLong()), bob.access()).status())
                                .isEqualTo(200);
                    }
                }
                return null;
            });
            for (Future<?> sender : senders) {
                sender.get(60, TimeUnit.SECONDS);
            }
            awaitStored(alice, bob, 2 * perSender);
            sending.set(false);
            marker.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        JsonNode all = api.get("/chat/messages/" + alice.id() + "/?limit=200", bob.access()).data().get("messages");
        long bobsMarker = -1;
        for (JsonNode message : all) {
            if (message.get("seen").asBoolean() && message.get("receiver").get("id").asText().equals(bob.id())) {
                bobsMarker = Math.max(bobsMarker, message.get("id").asLong());
            }
        }
        long expected = 0;
        for (JsonNode message : all) {
            boolean toBob = message.get("receiver").get("id").asText().equals(bob.id());
            if (toBob && message.get("id").asLong() > bobsMarker) {
                expected++;
            }
            if (toBob) {
                assertThat(message.get("seen").asBoolean()).as("seen is exactly 'at or below the marker'")
                        .isEqualTo(message.get("id").asLong() <= bobsMarker);
            }
        }
        assertThat(unreadWith(bob, alice)).isEqualTo(expected);
        assertThat(unreadWith(alice, bob)).as("Alice marked nothing").isEqualTo(perSender);
    }

    private void awaitStored(Person alice, Person bob, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (api.get("/chat/messages/" + alice.id() + "/?limit=200", bob.access()).data().get("messages").size() < count) {
            assertThat(System.nanoTime()).as("all messages stored in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Sends a text, takes the sender's conf_message and each receiver device's re_message; returns its id. */
    private static long send(ChatSocket from, Person to, String text, ChatSocket... receiverDevices) {
        from.send(Frames.text(to.id(), text, "c-" + text));
        JsonNode confirmed = from.next();
        assertThat(confirmed.get("action").asText()).as(confirmed.toString()).isEqualTo("conf_message");
        for (ChatSocket device : receiverDevices) {
            assertThat(device.next().get("action").asText()).isEqualTo("re_message");
        }
        return confirmed.get("created_msg_id").asLong();
    }

    private static Map<String, Object> seen(long messageId, String clientMsgId) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("action", "seen");
        frame.put("message_id", messageId);
        if (clientMsgId != null) {
            frame.put("client_msg_id", clientMsgId);
        }
        return frame;
    }

    private static void assertError(JsonNode frame, String code, String clientMsgId) {
        assertThat(frame.get("action").asText()).as(frame.toString()).isEqualTo("error");
        assertThat(frame.get("code").asText()).as(frame.toString()).isEqualTo(code);
        assertThat(frame.get("request_action").asText()).isEqualTo("seen");
        if (clientMsgId == null) {
            assertThat(frame.has("client_msg_id")).isFalse();
        } else {
            assertThat(frame.get("client_msg_id").asText()).isEqualTo(clientMsgId);
        }
    }

    private JsonNode threadWith(Person viewer, Person other) {
        for (JsonNode thread : api.get("/chat/user/threads/", viewer.access()).data()) {
            if (thread.get("other_user").get("id").asText().equals(other.id())) {
                return thread;
            }
        }
        throw new AssertionError(viewer.id() + " has no thread with " + other.id());
    }

    private long unreadWith(Person viewer, Person other) {
        return threadWith(viewer, other).get("unread_count").asLong();
    }

    private long threadOf(Person viewer, Person other) {
        return threadWith(viewer, other).get("id").asLong();
    }
}
