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
 * message is POSTed, signed; a receiver that answers 500, then does not answer within the time-out (1 s here,
 * {@code PARLEY_WEBHOOK_TIMEOUT_MILLIS}), then recovers gets every message, across a restart of the server, each
 * receiver's messages in order, with {@code receiver_online} as the receiver's connections were. In the cluster run
 * both nodes relay one outbox (and one of them is the one restarted).
 */
class WebhooksEndToEndTest {

    private static final String SECRET = "webhook-secret-of-the-e2e-test";
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
        Map<String, List<Long>> sent = new LinkedHashMap<>();
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
            sent.get(bob.id()).add(send(annSocket, bob, "hello Bob"));
            sent.get(cid.id()).add(send(annSocket, cid, "hello Cid"));
            HttpApi.Reply uploaded = new Multipart().field("receiver", cid.id()).field("message", "the notes")
                    .file("attached_file", "notes.txt", "Analytical Engine".getBytes(StandardCharsets.UTF_8))
                    .field("attached_file_name", "notes.txt").post(new HttpApi(SERVER.httpBase()), ann.access());
            assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
            long file = uploaded.json().get("entity").get("message").get("id").asLong();
            sent.get(cid.id()).add(file);
            awaitCondition(() -> RECEIVER.acknowledged().size() == 3, "the first three acknowledged");
            Map<Long, JsonNode> first = RECEIVER.acknowledgedBodies();
            assertThat(first.get(sent.get(bob.id()).get(0)).get("receiver_online").asBoolean()).isTrue();
            assertThat(first.get(sent.get(cid.id()).get(0)).get("receiver_online").asBoolean()).isFalse();
            JsonNode body = first.get(sent.get(bob.id()).get(0));
            assertThat(body.get("type").asText()).isEqualTo("message.new");
            assertThat(body.get("created_at").asText()).matches(Frames.REST_TIMESTAMP);
            assertThat(body.get("message").get("message").asText()).isEqualTo("hello Bob");
            assertThat(body.get("message").get("sender").get("id").asText()).isEqualTo(ann.id());
            assertThat(body.get("message").get("receiver").get("id").asText()).isEqualTo(bob.id());
            JsonNode fileMessage = first.get(file).get("message");
            assertThat(fileMessage.get("message_type").asText()).isEqualTo("file");
            assertThat(fileMessage.get("attached_file_name").asText()).isEqualTo("notes.txt");
            assertThat(fileMessage.get("attached_file").asText()).startsWith("/media/");

            // It fails: 500 for everything, then no answer within the time-out.
            RECEIVER.answer(Receiver.Mode.FAIL);
            for (int i = 0; i < 3; i++) {
                sent.get(bob.id()).add(send(annSocket, bob, "to Bob while failing " + i));
                sent.get(cid.id()).add(send(annSocket, cid, "to Cid while failing " + i));
            }
            awaitCondition(() -> RECEIVER.countIn(Receiver.Mode.FAIL) >= 4, "four 500s");
            RECEIVER.answer(Receiver.Mode.SLOW);
            awaitCondition(() -> RECEIVER.countIn(Receiver.Mode.SLOW) >= 2, "two posts left without an answer");
            sent.get(bob.id()).add(send(annSocket, bob, "to Bob while slow"));
        }

        // Restart while the receiver is still silent; the events wait in the database.
        SERVER.parley().close();
        restarted = SERVER.startAnotherInstance();
        RECEIVER.answer(Receiver.Mode.OK);

        Set<Long> all = new HashSet<>();
        sent.values().forEach(all::addAll);
        awaitCondition(() -> RECEIVER.acknowledged().containsAll(all), "every message acknowledged after recovery");

        // Signatures: every POST, whatever it was answered, carries the HMAC of its raw body.
        assertThat(RECEIVER.requests()).allSatisfy(request ->
                assertThat(request.signature()).isEqualTo("sha256=" + hmac(request.body())));
        // Order per receiver: the acknowledged messages of each receiver in the order they were stored, each once.
        for (Map.Entry<String, List<Long>> receiver : sent.entrySet()) {
            assertThat(RECEIVER.acknowledgedFor(receiver.getKey())).as("acknowledged for " + receiver.getKey())
                    .containsExactlyElementsOf(receiver.getValue());
            assertThat(RECEIVER.attemptsFor(receiver.getKey())).as("no POST for a receiver before its earlier ones")
                    .isSorted();
        }
        assertThat(RECEIVER.countIn(Receiver.Mode.FAIL)).isGreaterThanOrEqualTo(4);
        assertThat(RECEIVER.countIn(Receiver.Mode.SLOW)).isGreaterThanOrEqualTo(2);
    }

    /** Returns once the server answered a frame of {@code socket}: its connection is registered by then. */
    private static void registered(ChatSocket socket) {
        socket.send(Map.of("action", "no_such_action"));
        assertThat(socket.next().get("action").asText()).isEqualTo("error");
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

        Set<Long> acknowledged() {
            Set<Long> ids = new HashSet<>();
            requests.stream().filter(request -> request.mode() == Mode.OK).forEach(r -> ids.add(r.messageId()));
            return ids;
        }

        Map<Long, JsonNode> acknowledgedBodies() {
            Map<Long, JsonNode> bodies = new LinkedHashMap<>();
            requests.stream().filter(request -> request.mode() == Mode.OK)
                    .forEach(request -> bodies.putIfAbsent(request.messageId(), request.json()));
            return bodies;
        }

        /** The message ids acknowledged for one receiver, in the order acknowledged, repeats dropped. */
        List<Long> acknowledgedFor(String receiverId) {
            List<Long> ids = new ArrayList<>();
            requests.stream().filter(request -> request.mode() == Mode.OK && request.receiver().equals(receiverId))
                    .forEach(request -> {
                        if (!ids.contains(request.messageId())) {
                            ids.add(request.messageId());
                        }
                    });
            return ids;
        }

        /** Every POST's message id for one receiver, in the order received (retries repeat an id). */
        List<Long> attemptsFor(String receiverId) {
            return requests.stream().filter(request -> request.receiver().equals(receiverId))
                    .map(Request::messageId).toList();
        }
    }
}
