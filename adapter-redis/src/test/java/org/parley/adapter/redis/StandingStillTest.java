package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.adapter.redis.testing.SilentProxy;

/**
 * A node whose whole process stood still for longer than the deafness limit ({@code kill -STOP}, then
 * {@code kill -CONT}: what a long garbage collection, a frozen or suspended virtual machine does to it) missed nothing
 * on the bus: what was published meanwhile waits in its socket. It must neither take itself for deaf when it runs again
 * nor close its connections. It did both, twice each: down and every connection closed the moment it ran again, then
 * closed again when it heard itself. A real deafness after a pause is still found.
 */
class StandingStillTest {

    private final RedisServer redis = RedisServer.start();
    private StandingNodeProcess node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        redis.close();
    }

    @Test
    void aNodeThatStoodStillLongerThanTheDeafnessLimitNeitherGoesDownNorClosesItsConnections() throws Exception {
        node = StandingNodeProcess.start(redis.url(), false);
        Thread.sleep(1_500); // it hears itself: a heartbeat goes out every second

        node.signal("STOP");
        Thread.sleep(TimeUnit.SECONDS.toMillis(RedisEventBus.DEAF_AFTER_SECONDS) + 2_000);
        node.signal("CONT");
        // A node that took itself for deaf did so at its heartbeat thread's first round (a quarter of a second), and
        // had every connection closed by its closer thread at once; it would hear itself again within a second.
        Thread.sleep(3_000);

        assertThat(node.said()).as("what the node said").containsExactly("joined");
        assertThat(node.isAlive()).isTrue();
    }

    /**
     * A real deafness is still found after a pause: a busy node whose connections to Redis died silently while it
     * stood still (a proxy that stops carrying bytes) goes down once it has run for about the deafness limit again.
     * A first version counted deafness from a moment in the future when the node heard one of its own publications
     * right after the pause, before its heartbeat thread ran: it went down as long again as the pause later.
     */
    @Test
    void aNodeWhoseConnectionsDiedWhileItStoodStillGoesDownWithinTheDeafnessLimitOfRunningAgain() throws Exception {
        try (SilentProxy proxy = SilentProxy.to(redis.port()); RedisClient client = RedisClient.create(redis.url());
             StatefulRedisPubSubConnection<String, String> listening = client.connectPubSub()) {
            AtomicInteger publications = new AtomicInteger();
            listening.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    publications.incrementAndGet();
                }
            });
            listening.sync().subscribe("parley:events");
            node = StandingNodeProcess.start(proxy.url(), true);
            Thread.sleep(1_500);
            assertThat(publications.get()).as("the node's publications in its first 1.5 s (it is busy)")
                    .isGreaterThan(10);

            node.signal("STOP");
            proxy.silenceEstablished();
            Thread.sleep(10_000);
            long resumed = System.nanoTime();
            node.signal("CONT");
            Buses.await("the node went down", () -> node.said().contains("down"));
            long downAtNanos = node.lines().stream().filter(line -> line.text().equals("NODE down")).findFirst()
                    .orElseThrow().readNanos();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(downAtNanos - resumed);

            assertThat(tookMillis).as("how long after it ran again the node went down (ms)")
                    .isLessThan(TimeUnit.SECONDS.toMillis(RedisEventBus.DEAF_AFTER_SECONDS) + 3_000);
            assertThat(node.said()).as("what the node said").contains("down", "closed all");
        }
    }
}
