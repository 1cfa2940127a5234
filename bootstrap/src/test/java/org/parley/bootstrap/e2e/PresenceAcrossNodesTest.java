package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §13 on two nodes (one database, one Redis), with real clients on both: a user is online while any of their
 * connections is open on any node, partners on the other node are told, typing crosses nodes and its throttle holds
 * across them, and the presence query on either node sees connections on the other. Needs the shared Redis (skipped
 * otherwise). A node that crashes is covered by {@code RedisPresenceTest} (its users found offline by the others).
 */
class PresenceAcrossNodesTest {

    @RegisterExtension
    static final TwoNodes NODES = TwoNodes.onOneBus(config -> config
            .withOperations(ParleyConfig.Operations.defaults().withPresenceGrace(Duration.ofMillis(500))));
    private final String nodeA = NODES.wsBase(0);
    private final String nodeB = NODES.wsBase(1);
    private final HttpApi apiA = NODES.api(0);
    private final HttpApi apiB = NODES.api(1);
    private final People people = new People(apiA);

    @Test
    void aUserGoesOfflineWhenTheirLastConnectionOnAnyNodeCloses() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        shareAThread(alice, bob);
        try (ChatSocket bobOnA = ChatSocket.connect(nodeA, bob.access())) {
            ChatSocket aliceOnB = ChatSocket.connect(nodeB, alice.access());
            JsonNode online = bobOnA.nextPresence();
            if (online.get("user_id").asText().equals(alice.id()) && !online.get("online").asBoolean()) {
                // The notice that her connection of shareAThread ended: node A stores her offline, then delivers
                // the notice, and on a loaded machine Bob's connection can open in between. Only that one.
                online = bobOnA.nextPresence();
            }
            assertThat(online.get("user_id").asText()).isEqualTo(alice.id());
            assertThat(online.get("online").asBoolean()).as("told on node A of a connection on node B").isTrue();

            ChatSocket aliceOnA = ChatSocket.connect(nodeA, alice.access());
            assertThat(shown(apiB, bob, alice).get("online").asBoolean()).isTrue();
            aliceOnA.close();
            // Her connection on B keeps her online, past A's grace (0.5 s): the query on A says so throughout.
            staysOnline(apiA, bob, alice, Duration.ofMillis(1_500));
            assertThat(bobOnA.pollPresence(Duration.ZERO)).as("no notice while B still holds her").isNull();

            aliceOnB.close();
            JsonNode offline = bobOnA.nextPresence();
            assertThat(offline.get("user_id").asText()).isEqualTo(alice.id());
            assertThat(offline.get("online").asBoolean()).isFalse();
            assertThat(offline.get("last_seen").asText()).endsWith("Z");
            assertThat(bobOnA.pollPresence(Duration.ofMillis(1))).isNull();
            assertThat(shown(apiA, bob, alice).get("last_seen").asText())
                    .isEqualTo(offline.get("last_seen").asText());
        }
    }

    @Test
    void typingCrossesNodesAndIsThrottledAcrossThem() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket bobOnA = ChatSocket.connect(nodeA, bob.access());
             ChatSocket aliceOnB = ChatSocket.connect(nodeB, alice.access());
             ChatSocket aliceOnA = ChatSocket.connect(nodeA, alice.access())) {
            aliceOnB.send(Map.of("action", "typing", "receiver_id", bob.id()));
            JsonNode typing = bobOnA.next();
            assertThat(typing.get("action").asText()).isEqualTo("typing");
            assertThat(typing.get("sender_id").asText()).isEqualTo(alice.id());

            aliceOnA.send(Map.of("action", "typing", "receiver_id", bob.id()));
            aliceOnB.send(Map.of("action", "typing", "receiver_id", bob.id()));
            aliceOnA.send(Map.of("action", "text_message", "receiver_id", bob.id(), "message_body", "marker"));
            assertThat(bobOnA.next().get("action").asText()).as("both later notices dropped, on either node")
                    .isEqualTo("re_message");
        }
    }

    /**
     * A user typing on one node while their device on another node holds the pair's window: the notices reaching the
     * first node are dropped there without asking Redis, each of them (until the fix, each cost a round trip: 200
     * notices, 200 commands on the pair's key). MONITOR counts the commands naming the pair's key.
     */
    @Test
    void noticesReachingANodeDuringAnotherNodesWindowCostNoRedisCallEach() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket bobOnA = ChatSocket.connect(nodeA, bob.access());
             ChatSocket aliceOnB = ChatSocket.connect(nodeB, alice.access());
             ChatSocket aliceOnA = ChatSocket.connect(nodeA, alice.access());
             RedisMonitor redis = RedisMonitor.start(org.parley.adapter.redis.testing.RedisForTests.url())) {
            aliceOnB.send(Map.of("action", "typing", "receiver_id", bob.id()));
            assertThat(bobOnA.next().get("action").asText()).isEqualTo("typing");

            for (int i = 0; i < 200; i++) {
                aliceOnA.send(Map.of("action", "typing", "receiver_id", bob.id()));
            }
            aliceOnA.send(Map.of("action", "text_message", "receiver_id", bob.id(), "message_body", "marker"));
            assertThat(bobOnA.next().get("action").asText()).as("every later notice dropped").isEqualTo("re_message");
            assertThat(redis.commandsNaming("typing:" + alice.id() + ":" + bob.id()))
                    .as("commands naming the pair's key: node B's, and node A's first refusal")
                    .isBetween(1L, 3L);
        }
    }

    /** A message from {@code a} to {@code b} makes their thread; returns once {@code a} has gone offline again. */
    private void shareAThread(Person a, Person b) {
        try (ChatSocket socket = ChatSocket.connect(nodeA, a.access())) {
            socket.send(Map.of("action", "text_message", "receiver_id", b.id(), "message_body", "hi"));
            assertThat(socket.next().get("action").asText()).isEqualTo("conf_message");
        }
        // Offline with a last_seen: her going offline has been through (not merely not yet seen coming online).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!shown(apiB, b, a).get("last_seen").isTextual()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Never shown offline");
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private JsonNode shown(HttpApi api, Person asker, Person about) {
        HttpApi.Reply reply = api.get("/chat/presence/?ids=" + about.id(), asker.access());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.data().get(about.id());
    }

    /** Asks the query on {@code api} every 50 ms for {@code period}: each answer must show {@code about} online. */
    private void staysOnline(HttpApi api, Person asker, Person about, Duration period) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            assertThat(shown(api, asker, about).get("online").asBoolean()).isTrue();
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
