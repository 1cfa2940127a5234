package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Issue 13 (hostile review, finding 4): with the connection census in Redis ({@code PARLEY_REDIS_URL}), a client
 * whose connection drops without a close frame — the process killed: its kernel answers with a reset (RST) when
 * frames were waiting unread, a FIN otherwise — frees its place at once, so the user reconnecting after a crash is not
 * refused 429 (reported: for 10–25 s). Each crash here is followed by a reconnection at the limit of one connection;
 * in the cluster run the connections alternate between the two nodes. Needs the shared Redis (skipped otherwise).
 */
class CrashedClientsEndToEndTest {

    /** The most a dropped connection may keep its place. */
    private static final Duration FREED_WITHIN = Duration.ofSeconds(2);

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley(config -> config
            .withEdge(ParleyConfig.Edge.defaults().withMaxConnectionsPerUser(1))
            .withBus(new ParleyConfig.Bus(RedisForTests.url(), RedisForTests.uniqueChannel())));

    private static People people;

    @BeforeAll
    static void api() {
        people = new People(new HttpApi(SERVER.httpBase()));
    }

    @Test
    void aUserWhoseClientCrashedReconnectsAtOnce() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        RawWebSocket connection = awaitAccepted(alice, System.nanoTime());
        try (ChatSocket sender = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            for (int crash = 0; crash < 6; crash++) {
                if (crash % 3 == 1) {
                    // Frames wait unread in the client's socket: its kernel resets the connection.
                    for (int i = 0; i < 20; i++) {
                        sender.send(Map.of("action", "text_message", "message_body", "x".repeat(5_000),
                                "receiver_id", alice.id()));
                        assertThat(sender.next().get("action").asText()).isEqualTo("conf_message");
                    }
                }
                if (crash % 3 == 2) {
                    connection.close();  // nothing unread: a FIN, without a close frame
                } else {
                    connection.reset();
                }
                long droppedAt = System.nanoTime();
                connection = awaitAccepted(alice, droppedAt);
                assertThat(Duration.ofNanos(System.nanoTime() - droppedAt)).as("reconnected after crash %d", crash)
                        .isLessThan(FREED_WITHIN);
            }
        } finally {
            connection.close();
        }
    }

    /** Retries the handshake (on the nodes in turn) while it is refused with 429, for up to 10 s. */
    private static RawWebSocket awaitAccepted(Person person, long sinceNanos) throws InterruptedException {
        long deadline = sinceNanos + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return RawWebSocket.connect(URI.create(SERVER.wsBase()).getPort(), person.access());
            } catch (IllegalStateException refused) {
                assertThat(refused.getMessage()).contains("429");
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("The dropped connection still held its place after 10 s");
                }
                Thread.sleep(20);
            }
        }
    }
}
