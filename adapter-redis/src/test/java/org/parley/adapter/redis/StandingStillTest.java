package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final List<String> said = new CopyOnWriteArrayList<>();
    private Process node;
    private volatile long downAtNanos;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            signal("CONT");
            node.getOutputStream().close();
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        redis.close();
    }

    @Test
    void aNodeThatStoodStillLongerThanTheDeafnessLimitNeitherGoesDownNorClosesItsConnections() throws Exception {
        startNode(redis.url(), false);
        Thread.sleep(1_500); // it hears itself: a heartbeat goes out every second

        signal("STOP");
        Thread.sleep(TimeUnit.SECONDS.toMillis(RedisEventBus.DEAF_AFTER_SECONDS) + 2_000);
        signal("CONT");
        // A node that took itself for deaf did so at its heartbeat thread's first round (a quarter of a second), and
        // had every connection closed by its closer thread at once; it would hear itself again within a second.
        Thread.sleep(3_000);

        assertThat(said).as("what the node said").containsExactly("joined");
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
            startNode(proxy.url(), true);
            Thread.sleep(1_500);
            assertThat(publications.get()).as("the node's publications in its first 1.5 s (it is busy)")
                    .isGreaterThan(10);

            signal("STOP");
            proxy.silenceEstablished();
            Thread.sleep(10_000);
            long resumed = System.nanoTime();
            signal("CONT");
            Buses.await("the node went down", () -> said.contains("down"));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(downAtNanos - resumed);

            assertThat(tookMillis).as("how long after it ran again the node went down (ms)")
                    .isLessThan(TimeUnit.SECONDS.toMillis(RedisEventBus.DEAF_AFTER_SECONDS) + 3_000);
            assertThat(said).as("what the node said").contains("down", "closed all");
        }
    }

    private void startNode(String url, boolean busy) {
        try {
            node = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), StandingNode.class.getName(), url, "parley",
                    busy ? "busy" : "idle")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread reader = new Thread(this::readNode, "standing-node-reader");
        reader.setDaemon(true);
        reader.start();
        Buses.await("the node joined the bus", () -> said.contains("joined"));
    }

    private void readNode() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals("NODE down") && downAtNanos == 0) {
                    downAtNanos = System.nanoTime();
                }
                if (line.startsWith("NODE ")) {
                    said.add(line.substring("NODE ".length()));
                }
            }
        } catch (IOException ended) {
            // the node ended
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(node.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", name).isTrue();
    }
}
