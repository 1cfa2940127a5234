package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §16's send rate and log-in throttling, with real clients against a running server (in cluster mode two
 * nodes on one Redis, each client's connections and requests spread over both, so each limit must hold across nodes).
 * The server sends at most 1 message a second per user in bursts of 10, and allows 10 failed log-ins per address in
 * 15 minutes. Nothing sleeps: bounds are computed from the time the test took.
 */
class RateLimitsEndToEndTest {

    private static final int RATE = 1;
    private static final int BURST = 10;

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley(ParleyConfig.Limits.off()
            .withSendRate(RATE, BURST).withLogIn(10, Duration.ofMinutes(15)));

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);

    @Test
    void aFloodingUserIsRefusedBeyondTheBudgetOnEveryNodeNothingMoreIsStoredAndABystanderPairStillChats() {
        Person alice = people.register("Alice floods");
        Person bob = people.register("Bob");
        Person carol = people.register("Carol");
        Person dave = people.register("Dave");
        // Two devices of Alice's: in cluster mode one on each node, which must share her one budget.
        try (ChatSocket first = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket second = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket carolSocket = ChatSocket.connect(SERVER.wsBase(), carol.access());
             ChatSocket daveSocket = ChatSocket.connect(SERVER.wsBase(), dave.access())) {
            Set<String> sent = new HashSet<>();
            long start = System.nanoTime();
            for (int i = 0; i < 15; i++) {
                send(first, bob, "a-" + i, sent);
                send(second, bob, "b-" + i, sent);
                if (i == 7) {
                    carolSocket.send(Frames.text(dave.id(), "meanwhile, Dave", "carol-1"));
                }
            }

            Set<String> confirmed = new HashSet<>();
            List<JsonNode> refusals = new ArrayList<>();
            while (confirmed.size() + refusals.size() < sent.size()) {
                for (ChatSocket socket : List.of(first, second)) {
                    JsonNode frame = socket.poll(Duration.ofMillis(20));
                    if (frame == null) {
                        continue;
                    }
                    if ("conf_message".equals(frame.path("action").asText())) {
                        confirmed.add(frame.get("client_msg_id").asText());
                    } else {
                        refusals.add(frame);
                    }
                }
                assertThat(System.nanoTime() - start).as("every frame answered").isLessThan(seconds(30));
            }
            double elapsedSeconds = (System.nanoTime() - start) / 1e9;

            assertThat(confirmed.size()).as("stored within %.1f s", elapsedSeconds)
                    .isLessThanOrEqualTo(BURST + (int) Math.floor(RATE * elapsedSeconds) + 1);
            assertThat(refusals).isNotEmpty().allSatisfy(refusal -> {
                assertThat(refusal.get("action").asText()).isEqualTo("error");
                assertThat(refusal.get("code").asText()).isEqualTo("rate_limited");
                assertThat(refusal.get("request_action").asText()).isEqualTo("text_message");
                assertThat(sent).contains(refusal.get("client_msg_id").asText());
                assertThat(refusal.get("retry_after_ms").isIntegralNumber()).isTrue();
                assertThat(refusal.get("retry_after_ms").asLong()).isBetween(1L, 1_000L / RATE);
            });
            JsonNode history = api.get("/chat/messages/" + bob.id() + "/?limit=200", alice.access()).data()
                    .get("messages");
            assertThat(history).as("nothing refused was stored").hasSize(confirmed.size());

            JsonNode toDave = daveSocket.next();
            assertThat(toDave.get("action").asText()).isEqualTo("re_message");
            assertThat(toDave.get("message").asText()).isEqualTo("meanwhile, Dave");
            assertThat(carolSocket.next().get("client_msg_id").asText()).isEqualTo("carol-1");
        }
    }

    @Test
    void uploadsShareTheBudgetAndAreRefusedWith429AndRetryAfter() {
        Person erin = people.register("Erin uploads");
        Person frank = people.register("Frank");
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), erin.access())) {
            int i = 0;
            JsonNode answer;
            do {
                socket.send(Frames.text(frank.id(), "spending the budget", "e-" + i++));
                answer = socket.next();
            } while (!"error".equals(answer.get("action").asText()) && i < 100);
            assertThat(answer.get("code").asText()).isEqualTo("rate_limited");
        }

        HttpApi.Reply refused = null;
        for (int attempt = 0; attempt < 5 && refused == null; attempt++) {
            HttpApi.Reply reply = new Multipart().field("receiver", frank.id())
                    .file("attached_file", "note.txt", "hello".getBytes(StandardCharsets.UTF_8))
                    .post(new HttpApi(SERVER.httpBase()), erin.access());
            if (reply.status() == 429) {
                refused = reply;
            } else {
                assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
            }
        }

        assertThat(refused).as("an upload beyond the budget was refused").isNotNull();
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().get("status").asText()).isEqualTo("failure");
        assertThat(refused.json().get("success").asBoolean()).isFalse();
        assertThat(refused.json().get("code").asText()).isEqualTo("rate_limited");
    }

    /**
     * Announcing an upload ({@code file_message}) delivers it again to every connection of both sides, so it takes from
     * the same budget: a user re-announcing one upload in a loop is refused {@code rate_limited} beyond it, and a
     * refused announcement reaches nobody (issue 13: 2,750 announcements a second of a 9,000-character caption to a
     * receiver with 20 connections went through).
     */
    @Test
    void reAnnouncingAnUploadTakesFromTheBudgetAndBeyondItIsRefusedAndDeliversNothing() {
        Person hana = people.register("Hana re-announces");
        Person ivan = people.register("Ivan");
        HttpApi.Reply uploaded = new Multipart().field("receiver", ivan.id()).field("message", "x".repeat(9_000))
                .file("attached_file", "note.txt", "hello".getBytes(StandardCharsets.UTF_8))
                .post(new HttpApi(SERVER.httpBase()), hana.access());
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
        long chatId = uploaded.json().get("entity").get("message").get("id").asLong();

        try (ChatSocket hanaSocket = ChatSocket.connect(SERVER.wsBase(), hana.access());
             ChatSocket ivanSocket = ChatSocket.connect(SERVER.wsBase(), ivan.access())) {
            int announcements = 3 * BURST;
            long start = System.nanoTime();
            for (int i = 0; i < announcements; i++) {
                hanaSocket.send(Map.of("action", "file_message", "chat_id", chatId, "client_msg_id", "f-" + i));
            }
            Set<String> confirmed = new HashSet<>();
            List<JsonNode> refusals = new ArrayList<>();
            while (confirmed.size() + refusals.size() < announcements) {
                JsonNode frame = hanaSocket.next();
                if ("conf_message".equals(frame.path("action").asText())) {
                    confirmed.add(frame.get("client_msg_id").asText());
                } else {
                    refusals.add(frame);
                }
            }
            double elapsedSeconds = (System.nanoTime() - start) / 1e9;

            assertThat(confirmed.size()).as("delivered within %.1f s", elapsedSeconds)
                    .isLessThanOrEqualTo(BURST + (int) Math.floor(RATE * elapsedSeconds) + 1);
            assertThat(refusals).isNotEmpty().allSatisfy(refusal -> {
                assertThat(refusal.get("action").asText()).isEqualTo("error");
                assertThat(refusal.get("code").asText()).isEqualTo("rate_limited");
                assertThat(refusal.get("request_action").asText()).isEqualTo("file_message");
                assertThat(refusal.get("client_msg_id").asText()).startsWith("f-");
                assertThat(refusal.get("retry_after_ms").asLong()).isBetween(1L, 1_000L / RATE);
            });
            for (int i = 0; i < confirmed.size(); i++) {
                JsonNode frame = ivanSocket.next();
                assertThat(frame.get("action").asText()).isEqualTo("re_message");
                assertThat(frame.get("created_msg_id").asLong()).isEqualTo(chatId);
            }
            assertThat(ivanSocket.poll(Duration.ofMillis(300)))
                    .as("the receiver got only the announcements that were not refused").isNull();
        }
    }

    @Test
    void afterTenFailedLogInsAnExistingAddressIsRefusedWith429EvenWithTheRightPassword() {
        Person grace = people.register("Grace");

        for (int i = 0; i < 10; i++) {
            String email = i % 2 == 0 ? grace.email() : grace.email().toUpperCase();
            assertThat(logIn(email, "wrong-" + i).status()).as("failure %d", i + 1).isEqualTo(401);
        }
        HttpApi.Reply refused = logIn(grace.email(), grace.password());

        assertThrottled(refused);
    }

    @Test
    void anAddressWithoutAnAccountIsThrottledTheSameWay() {
        String nobody = "nobody-" + System.nanoTime() + "@example.com";

        for (int i = 0; i < 10; i++) {
            assertThat(logIn(nobody, "wrong-" + i).status()).as("failure %d", i + 1).isEqualTo(401);
        }

        assertThrottled(logIn(nobody, "anything"));
        assertThat(logIn("other-" + nobody, "anything").status()).as("another address").isEqualTo(401);
    }

    private static void assertThrottled(HttpApi.Reply reply) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(429);
        assertThat(Long.parseLong(reply.header("Retry-After"))).isBetween(890L, 900L);
        assertThat(reply.json().get("code").asText()).isEqualTo("rate_limited");
        assertThat(reply.json().get("success").asBoolean()).isFalse();
        assertThat(reply.json().get("message").asText())
                .isEqualTo("Too many failed log-ins for this e-mail address; try again later");
        assertThat(reply.raw()).doesNotContain("access");
    }

    /** Each attempt through a node of its own turn: in cluster mode they alternate between the nodes. */
    private static HttpApi.Reply logIn(String email, String password) {
        return new HttpApi(SERVER.httpBase()).post("/auth/token/", Map.of("email", email, "password", password), null);
    }

    private static void send(ChatSocket socket, Person to, String clientMsgId, Set<String> sent) {
        socket.send(Frames.text(to.id(), "flood " + clientMsgId, clientMsgId));
        sent.add(clientMsgId);
    }

    private static long seconds(long seconds) {
        return Duration.ofSeconds(seconds).toNanos();
    }
}
