package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.testing.RedisServer;
import org.slf4j.LoggerFactory;

/** The TCP keep-alive of the adapter's connections to Redis, as the kernel holds it for a real socket. */
class LettuceClientsTest {

    private static final Path SS = Path.of("/usr/bin/ss");
    private static final Pattern KEEP_ALIVE_TIMER = Pattern.compile("timer:\\(keepalive,([0-9.]+)(ms|sec|min)");

    /**
     * An idle connection is probed after 5 s, not after the kernel's default two hours, so that one whose other end
     * went away without a word is dropped and reconnected within seconds. Read from {@code ss}, which shows the time
     * left on a socket's keep-alive timer.
     */
    @Test
    void anIdleConnectionIsProbedAfterFiveSecondsNotTwoHours() throws Exception {
        assumeTrue(Files.isExecutable(SS), "ss (iproute2) is needed to read a socket's keep-alive timer");
        try (RedisServer redis = RedisServer.start()) {
            ClientResources resources = LettuceClients.resources(1);
            RedisClient client = LettuceClients.client(resources,
                    new RedisBusSettings(redis.url(), "parley", Duration.ofSeconds(5)), Duration.ofSeconds(5),
                    UnaryOperator.identity());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
                assertThat(keepAliveTimerSeconds(redis.port()))
                        .as("seconds left before the first keep-alive probe").isBetween(0.0, 5.0);
            } finally {
                LettuceClients.shutDown(client, resources, LoggerFactory.getLogger(LettuceClientsTest.class), "test");
            }
        }
    }

    /** The keep-alive timer of the one established connection to {@code port}, in seconds. */
    private static double keepAliveTimerSeconds(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder(SS.toString(), "-tnoH", "state", "established", "dport = :" + port)
                .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Matcher timer = KEEP_ALIVE_TIMER.matcher(out);
        assertThat(timer.find()).as("a keep-alive timer in: %s", out).isTrue();
        double value = Double.parseDouble(timer.group(1));
        return switch (timer.group(2)) {
            case "ms" -> value / 1_000;
            case "min" -> value * 60;
            default -> value;
        };
    }
}
