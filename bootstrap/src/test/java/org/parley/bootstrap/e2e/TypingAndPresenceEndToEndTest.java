package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §13 end to end, with real clients: the {@code typing} frame (forwarded, throttled, every refusal), the
 * {@code presence} frame (online, offline with {@code last_seen}, only to thread partners, nothing for a quick
 * reconnection) and {@code GET /chat/presence/} (every refusal, no leak, {@code last_seen} read by a server started
 * afterwards). The offline grace is 1 s here. In the cluster run the connections alternate between two nodes.
 */
class TypingAndPresenceEndToEndTest {

    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final String TIMESTAMP_PLUS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}\\+00:00";
    private static final String TIMESTAMP_Z = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley(config -> config.withOperations(
            ParleyConfig.Operations.defaults().withPresenceGrace(GRACE)));

    private static HttpApi api;
    private static People people;

    @BeforeAll
    static void api() {
        api = new HttpApi(SERVER.httpBase());
        people = new People(api);
    }

    @Test
    void typingReachesTheReceiversDevicesOnceEveryTwoSecondsAndTheSenderHearsNothing() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket phone = ChatSocket.connect(SERVER.wsBase(), bob.access());
             ChatSocket laptop = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            aliceSocket.send(Map.of("action", "typing", "receiver_id", bob.id()));
            aliceSocket.send(Map.of("action", "typing", "receiver_id", bob.id(), "client_msg_id", "t2"));
            aliceSocket.send(Map.of("action", "text_message", "receiver_id", bob.id(), "message_body", "marker"));

            for (ChatSocket device : List.of(phone, laptop)) {
                JsonNode typing = device.next();
                assertThat(typing.get("action").asText()).isEqualTo("typing");
                assertThat(typing.get("sender_id").asText()).isEqualTo(alice.id());
                assertThat(typing.get("timestamp").asText()).matches(TIMESTAMP_PLUS);
                assertThat(fieldNames(typing)).containsExactlyInAnyOrder("action", "sender_id", "timestamp");
                assertThat(device.next().get("action").asText()).as("the second notice was dropped")
                        .isEqualTo("re_message");
            }
            JsonNode answer = aliceSocket.next();
            assertThat(answer.get("action").asText()).as("no answer to typing, no error frame")
                    .isEqualTo("conf_message");
        }
        assertThat(api.get("/chat/messages/" + bob.id() + "/", alice.access()).data().get("messages"))
                .as("typing is never stored").hasSize(1);
    }

    @Test
    void typingToAReceiverThatIsNotValidIsRefusedAsATextMessageWouldBe() {
        Person alice = people.register("Alice");
        String inactive = people.upsertFromBackend(UUID.randomUUID().toString(), "gone-" + UUID.randomUUID()
                + "@example.com", "Gone", false);
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
            List<Object[]> refusals = List.of(
                    new Object[] {Map.of("action", "typing"), "validation_error"},
                    new Object[] {Map.of("action", "typing", "receiver_id", 42), "validation_error"},
                    new Object[] {Map.of("action", "typing", "receiver_id", "not-a-uuid"), "validation_error"},
                    new Object[] {Map.of("action", "typing", "receiver_id", alice.id()), "validation_error"},
                    new Object[] {Map.of("action", "typing", "receiver_id", UUID.randomUUID().toString()),
                            "invalid_receiver"},
                    new Object[] {Map.of("action", "typing", "receiver_id", inactive, "client_msg_id", "c1"),
                            "invalid_receiver"});
            for (Object[] refusal : refusals) {
                socket.send(refusal[0]);
                JsonNode error = socket.next();
                assertThat(error.get("action").asText()).as("%s", refusal[0]).isEqualTo("error");
                assertThat(error.get("code").asText()).as("%s", refusal[0]).isEqualTo(refusal[1]);
                assertThat(error.get("request_action").asText()).isEqualTo("typing");
            }
            socket.send(Map.of("action", "typing", "receiver_id", inactive, "client_msg_id", "c2"));
            assertThat(socket.next().get("client_msg_id").asText()).isEqualTo("c2");
        }
    }

    @Test
    void threadPartnersAreToldWhenAUserComesOnlineAndGoesOfflineAndNobodyElseIs() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person carol = people.register("Carol");
        shareAThread(alice, bob);
        try (ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
            JsonNode online = bobSocket.nextPresence();
            assertThat(online.get("action").asText()).isEqualTo("presence");
            assertThat(online.get("user_id").asText()).isEqualTo(alice.id());
            assertThat(online.get("online").asBoolean()).isTrue();
            assertThat(online.get("last_seen").isNull()).isTrue();
            assertThat(fieldNames(online)).containsExactlyInAnyOrder("action", "user_id", "online", "last_seen");

            // Carol shares no thread with Bob: her coming and going tells him nothing, so the next frame he gets
            // is Alice's going offline.
            ChatSocket.connect(SERVER.wsBase(), carol.access()).close();
            aliceSocket.close();
            JsonNode offline = bobSocket.nextPresence();
            assertThat(offline.get("user_id").asText()).isEqualTo(alice.id());
            assertThat(offline.get("online").asBoolean()).isFalse();
            assertThat(offline.get("last_seen").asText()).matches(TIMESTAMP_Z);
            assertThat(bobSocket.poll(Duration.ofMillis(1))).as("nothing else for Bob").isNull();
        }
    }

    @Test
    void aUserWhoReconnectsWithinTheGraceAnnouncesNothingHoweverOften() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        shareAThread(alice, bob);
        try (ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
            assertThat(bobSocket.nextPresence().get("online").asBoolean()).isTrue();
            for (int flap = 0; flap < 10; flap++) {
                ChatSocket next = ChatSocket.connect(SERVER.wsBase(), alice.access());
                aliceSocket.close();
                aliceSocket = next;
            }
            aliceSocket.close();

            JsonNode only = bobSocket.nextPresence();
            assertThat(only.get("online").asBoolean()).as("ten reconnections, then one offline notice").isFalse();
            assertThat(bobSocket.pollPresence(Duration.ofMillis(1))).isNull();
        }
    }

    @Test
    void presenceIsShownForThreadPartnersOnlyAndLastSeenOutlivesTheServerThatWroteIt() {
        Person me = people.register("Me");
        Person online = people.register("Online");
        Person offline = people.register("Offline");
        Person stranger = people.register("Stranger");
        shareAThread(me, online);
        shareAThread(me, offline);
        shareAThread(stranger, online);
        String ids = Stream.of(online.id(), offline.id(), stranger.id(), UUID.randomUUID().toString(), me.id())
                .collect(Collectors.joining(","));

        Parley other = SERVER.startAnotherInstance();
        JsonNode shown;
        try (ChatSocket onlineSocket = ChatSocket.connect(SERVER.wsBase(), online.access())) {
            ChatSocket.connect("ws://127.0.0.1:" + other.port(), offline.access()).close();
            shown = awaitShown(me, ids, data -> data.path(offline.id()).path("last_seen").isTextual()
                    && data.path(online.id()).path("online").asBoolean());
            other.close();
        }
        assertThat(fieldNames(shown)).containsExactlyInAnyOrder(online.id(), offline.id());
        assertThat(shown.get(online.id()).get("online").asBoolean()).isTrue();
        assertThat(shown.get(online.id()).get("last_seen").isNull()).isTrue();
        assertThat(shown.get(offline.id()).get("online").asBoolean()).isFalse();
        assertThat(shown.get(offline.id()).get("last_seen").asText()).matches(TIMESTAMP_Z);

        Parley restarted = SERVER.startAnotherInstance();
        try {
            HttpApi fresh = new HttpApi("http://127.0.0.1:" + restarted.port());
            JsonNode again = fresh.get("/chat/presence/?ids=" + offline.id(), me.access()).data();
            assertThat(again.get(offline.id()).get("last_seen").asText()).as("kept in the database")
                    .isEqualTo(shown.get(offline.id()).get("last_seen").asText());
            assertThat(fresh.get("/chat/presence?ids=" + offline.id(), me.access()).status())
                    .as("without the trailing slash").isEqualTo(200);
        } finally {
            restarted.close();
        }
    }

    @Test
    void badPresenceQueriesAreRefusedAndATokenIsNeeded() {
        Person me = people.register("Me");
        List<String> hundredAndOne = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            hundredAndOne.add(UUID.randomUUID().toString());
        }
        for (String query : List.of("", "?ids=", "?ids=not-a-uuid", "?ids=" + me.id() + ",,",
                "?ids=" + String.join(",", hundredAndOne))) {
            HttpApi.Reply reply = api.get("/chat/presence/" + query, me.access());
            assertThat(reply.status()).as(query).isEqualTo(400);
            assertThat(reply.json().get("code").asText()).isEqualTo("validation_error");
            assertThat(reply.json().get("errors").has("ids")).isTrue();
        }
        HttpApi.Reply hundred = api.get("/chat/presence/?ids=" + String.join(",", hundredAndOne.subList(0, 100)),
                me.access());
        assertThat(hundred.status()).isEqualTo(200);
        assertThat(hundred.data().size()).as("nobody shares a thread with me").isZero();

        HttpApi.Reply anonymous = api.get("/chat/presence/?ids=" + me.id(), null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    /** Polls the presence query until {@code done} holds for its data (what another node wrote takes a moment). */
    private static JsonNode awaitShown(Person me, String ids, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            HttpApi.Reply reply = api.get("/chat/presence/?ids=" + ids, me.access());
            assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
            if (done.test(reply.data())) {
                return reply.data();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Presence never showed what was expected: " + reply.raw());
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /**
     * A message from {@code a} to {@code b} makes their thread; {@code a}'s connection is closed again, and this returns
     * once {@code a} is offline (after the grace), so that the test starts with nobody online.
     */
    static void shareAThread(Person a, Person b) {
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), a.access())) {
            socket.send(Map.of("action", "text_message", "receiver_id", b.id(), "message_body", "hi"));
            assertThat(socket.next().get("action").asText()).isEqualTo("conf_message");
        }
        // Offline with a last_seen: the going offline has been through (not merely the coming online not yet seen).
        awaitShown(b, a.id(), data -> data.path(a.id()).path("last_seen").isTextual());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
