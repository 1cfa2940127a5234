package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §15 end to end, against a real local HTTP receiver (the JDK's {@code com.sun.net.httpserver}): every stored
 * message, edit and deletion is POSTed, signed; a receiver that answers 500, then does not answer within the time-out
 * (1 s here, {@code PARLEY_WEBHOOK_TIMEOUT_MILLIS}), then recovers gets every event, across a restart of the server,
 * each receiver's events in the order they happened (an edit and a deletion after their message's
 * {@code message.new}), with {@code receiver_online} as the receiver's connections were. In the cluster run both nodes
 * relay one outbox (and one of them is the one restarted).
 */
class WebhooksEndToEndTest {

    private static final String SECRET = "webhook-secret-of-the-e2e-test";
    private static final String NEW = "message.new:";
    private static final String EDITED = "message.edited:";
    private static final String DELETED = "message.deleted:";
    private static final Receiver RECEIVER = Receiver.start();

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley(config -> config.withWebhooks(
            ParleyConfig.Webhooks.to(RECEIVER.url(), SECRET).withTimeout(Duration.ofMillis(1_000))));

    private static Parley restarted;

    @AfterAll
    static void stopAll() {
        if (restarted != null) {
            restarted.close();
        }
        RECEIVER.stop();
    }

    @Test
    void every_message_reaches_a_failing_slow_and_recovering_receiver_in_order_across_a_restart() throws Exception {
        People people = new People(new HttpApi(SERVER.httpBase()));
        Person ann = people.register("Ann");
        Person bob = people.register("Bob");
        Person cid = people.register("Cid");
        // Each receiver's events in the order they happened, as "<type>:<message id>".
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put(bob.id(), new ArrayList<>());
        sent.put(cid.id(), new ArrayList<>());

        try (ChatSocket annSocket = ChatSocket.connect(SERVER.wsBase(), ann.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access());
             // receiver_online is what the sending node knows of open connections: in the cluster run Bob has a
             // device on each node, so whichever node sends knows him online.
             ChatSocket bobOtherDevice = RunningParley.clustered()
                     ? ChatSocket.connect(SERVER.wsBase(), bob.access()) : null) {
            registered(bobSocket);
            if (bobOtherDevice != null) {
                registered(bobOtherDevice);
            }
            // The receiver answers 204: Bob is online, Cid is not.
            long helloBob = send(annSocket, bob, "hello Bob");
            long helloCid = send(annSocket, cid, "hello Cid");
            sent.get(bob.id()).add(NEW + helloBob);
            sent.get(cid.id()).add(NEW + helloCid);
            HttpApi.Reply uploaded = new Multipart().field("receiver", cid.id()).field("message", "the notes")
                    .file("attached_file", "notes.txt", "Analytical Engine".getBytes(StandardCharsets.UTF_8))
                    .field("attached_file_name", "notes.txt").post(new HttpApi(SERVER.httpBase()), ann.access());
            assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
            long file = uploaded.json().get("entity").get("message").get("id").asLong();
            sent.get(cid.id()).add(NEW + file);
            awaitCondition(() -> RECEIVER.acknowledged().size() == 3, "the first three acknowledged");
            Map<String, JsonNode> first = RECEIVER.acknowledgedBodies();
            assertThat(first.get(NEW + helloBob).get("receiver_online").asBoolean()).isTrue();
            assertThat(first.get(NEW + helloCid).get("receiver_online").asBoolean()).isFalse();
            JsonNode body = first.get(NEW + helloBob);
            assertThat(body.get("type").asText()).isEqualTo("message.new");
            assertThat(body.get("created_at").asText()).matches(Frames.REST_TIMESTAMP);
            assertThat(body.get("message").get("message").asText()).isEqualTo("hello Bob");
            assertThat(body.get("message").get("sender").get("id").asText()).isEqualTo(ann.id());
            assertThat(body.get("message").get("receiver").get("id").asText()).isEqualTo(bob.id());
            JsonNode fileMessage = first.get(NEW + file).get("message");
            assertThat(fileMessage.get("message_type").asText()).isEqualTo("file");
            assertThat(fileMessage.get("attached_file_name").asText()).isEqualTo("notes.txt");
            assertThat(fileMessage.get("attached_file").asText()).startsWith("/media/");

            // It fails: 500 for everything, then no answer within the time-out.
            RECEIVER.answer(Receiver.Mode.FAIL);
            List<Long> toBobWhileFailing = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                toBobWhileFailing.add(send(annSocket, bob, "to Bob while failing " + i));
                sent.get(bob.id()).add(NEW + toBobWhileFailing.get(i));
                sent.get(cid.id()).add(NEW + send(annSocket, cid, "to Cid while failing " + i));
            }
            // Contract §12 changes are events too, recorded with the change and queued behind the messages' own.
            change(annSocket, Map.of("action", "edit_message", "message_id", toBobWhileFailing.get(0),
                    "message_body", "edited while failing"), "message_edited");
            sent.get(bob.id()).add(EDITED + toBobWhileFailing.get(0));
            change(annSocket, Map.of("action", "delete_message", "message_id", toBobWhileFailing.get(1)),
                    "message_deleted");
            sent.get(bob.id()).add(DELETED + toBobWhileFailing.get(1));
            awaitCondition(() -> RECEIVER.countIn(Receiver.Mode.FAIL) >= 4, "four 500s");
            RECEIVER.answer(Receiver.Mode.SLOW);
            awaitCondition(() -> RECEIVER.countIn(Receiver.Mode.SLOW) >= 2, "two posts left without an answer");
            sent.get(bob.id()).add(NEW + send(annSocket, bob, "to Bob while slow"));
        }

        // Restart while the receiver is still silent; the events wait in the database.
        SERVER.parley().close();
        restarted = SERVER.startAnotherInstance();
        RECEIVER.answer(Receiver.Mode.OK);

        Set<String> all = new HashSet<>();
        sent.values().forEach(all::addAll);
        awaitCondition(() -> RECEIVER.acknowledged().containsAll(all), "every event acknowledged after recovery");

        // Signatures: every POST, whatever it was answered, carries the HMAC of its raw body.
        assertThat(RECEIVER.requests()).allSatisfy(request ->
                assertThat(request.signature()).isEqualTo("sha256=" + hmac(request.body())));
        // Order per receiver: the acknowledged events of each receiver in the order they happened, each once.
        for (Map.Entry<String, List<String>> receiver : sent.entrySet()) {
            assertThat(RECEIVER.acknowledgedFor(receiver.getKey())).as("acknowledged for " + receiver.getKey())
                    .containsExactlyElementsOf(receiver.getValue());
            assertThat(RECEIVER.attemptsFor(receiver.getKey()).stream().map(receiver.getValue()::indexOf).toList())
                    .as("no POST for a receiver before its earlier events").isSorted().doesNotContain(-1);
        }
        // The edit and the deletion show the message after the change, as history does.
        Map<String, JsonNode> bodies = RECEIVER.acknowledgedBodies();
        String editedKey = sent.get(bob.id()).stream().filter(key -> key.startsWith(EDITED)).findFirst().orElseThrow();
        JsonNode edited = bodies.get(editedKey);
        assertThat(edited.get("type").asText()).isEqualTo("message.edited");
        assertThat(edited.get("created_at").asText()).matches(Frames.REST_TIMESTAMP);
        assertThat(edited.get("message").get("message").asText()).isEqualTo("edited while failing");
        assertThat(edited.get("message").get("edited").booleanValue()).isTrue();
        assertThat(edited.get("message").get("updated_at").asText()).isEqualTo(edited.get("created_at").asText());
        String deletedKey = sent.get(bob.id()).stream().filter(key -> key.startsWith(DELETED)).findFirst()
                .orElseThrow();
        JsonNode deleted = bodies.get(deletedKey);
        assertThat(deleted.get("type").asText()).isEqualTo("message.deleted");
        assertThat(deleted.get("message").get("deleted").booleanValue()).isTrue();
        assertThat(deleted.get("message").get("message").isNull()).isTrue();
        assertThat(deleted.get("message").get("receiver").get("id").asText()).isEqualTo(bob.id());
        assertThat(RECEIVER.countIn(Receiver.Mode.FAIL)).isGreaterThanOrEqualTo(4);
        assertThat(RECEIVER.countIn(Receiver.Mode.SLOW)).isGreaterThanOrEqualTo(2);
    }

    /** Returns once the server answered a frame of {@code socket}: its connection is registered by then. */
    private static void registered(ChatSocket socket) {
        socket.send(Map.of("action", "no_such_action"));
        assertThat(socket.next().get("action").asText()).isEqualTo("error");
    }

    /** Sends an edit or deletion and waits for its frame back on the same connection (failing on an error frame). */
    private static void change(ChatSocket socket, Map<String, Object> frame, String answer) {
        socket.send(frame);
        while (true) {
            JsonNode next = socket.next();
            String action = next.path("action").asText();
            assertThat(action).as(next.toString()).isNotEqualTo("error");
            if (answer.equals(action)) {
                return;
            }
        }
    }

    private static long send(ChatSocket socket, Person to, String text) {
        socket.send(Frames.text(to.id(), text));
        while (true) {
            JsonNode frame = socket.next();
            if ("conf_message".equals(frame.path("action").asText())) {
                return frame.get("created_msg_id").asLong();
            }
        }
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as("waited 60 s for " + what + "; received: "
                    + RECEIVER.requests().size() + " POSTs").isTrue();
            Thread.sleep(20);
        }
    }

    private static String hmac(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A webhook receiver on a free local port that answers as the test says and keeps every request. */
    static final class Receiver {

        enum Mode { OK, FAIL, SLOW }

        record Request(String body, String signature, Mode mode, JsonNode json) {
            long messageId() {
                return json.get("message").get("id").asLong();
            }

            /** {@code <type>:<message id>}: which event this is (each message has at most one of each type here). */
            String key() {
                return json.get("type").asText() + ":" + messageId();
            }

            String receiver() {
                return json.get("message").get("receiver").get("id").asText();
            }
        }

        private final HttpServer server;
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private volatile Mode mode = Mode.OK;

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                Receiver receiver = new Receiver(server);
                server.createContext("/hooks/parley", exchange -> {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    Mode now = receiver.mode;
                    receiver.requests.add(new Request(body, exchange.getRequestHeaders().getFirst("X-Parley-Signature"),
                            now, HttpApi.JSON.readTree(body)));
                    if (now == Mode.SLOW) {
                        try {
                            Thread.sleep(2_500);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    exchange.sendResponseHeaders(now == Mode.FAIL ? 500 : 204, -1);
                    exchange.close();
                });
                server.setExecutor(Executors.newCachedThreadPool());
                server.start();
                return receiver;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/parley?source=e2e");
        }

        void answer(Mode newMode) {
            mode = newMode;
        }

        void stop() {
            server.stop(0);
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        long countIn(Mode which) {
            return requests.stream().filter(request -> request.mode() == which).count();
        }

        /** The events acknowledged, as {@link Request#key()}. */
        Set<String> acknowledged() {
            Set<String> keys = new HashSet<>();
            requests.stream().filter(request -> request.mode() == Mode.OK).forEach(r -> keys.add(r.key()));
            return keys;
        }

        /** The first acknowledged body of each event, by {@link Request#key()}. */
        Map<String, JsonNode> acknowledgedBodies() {
            Map<String, JsonNode> bodies = new LinkedHashMap<>();
            requests.stream().filter(request -> request.mode() == Mode.OK)
                    .forEach(request -> bodies.putIfAbsent(request.key(), request.json()));
            return bodies;
        }

        /** The events acknowledged for one receiver, in the order acknowledged, repeats dropped. */
        List<String> acknowledgedFor(String receiverId) {
            List<String> keys = new ArrayList<>();
            requests.stream().filter(request -> request.mode() == Mode.OK && request.receiver().equals(receiverId))
                    .forEach(request -> {
                        if (!keys.contains(request.key())) {
                            keys.add(request.key());
                        }
                    });
            return keys;
        }

        /** Every POST's event for one receiver, in the order received (retries repeat an event). */
        List<String> attemptsFor(String receiverId) {
            return requests.stream().filter(request -> request.receiver().equals(receiverId))
                    .map(Request::key).toList();
        }
    }
}
