package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * The multi-node mode, with tiny parameters, against two Parley nodes started in-process on one embedded database and
 * the shared Redis (a channel of this test's own; skipped without {@code -Dparley.test.redisUrl}): senders on one
 * node, receivers on the other, nothing lost or duplicated. Speed is never asserted here.
 */
class MultiNodeBenchmarkIT {

    private static final String SECRET = "benchmark-test-secret-long-enough-for-hs256";
    private static final String ADMIN_KEY = "benchmark-admin-key-0123456789";

    private static Path dataDir;
    private static final List<Parley> nodes = new ArrayList<>();

    @TempDir
    Path out;

    @BeforeAll
    static void startTwoNodes() throws IOException {
        String redis = RedisForTests.url();
        dataDir = Files.createTempDirectory("parley-bench-nodes-");
        ParleyConfig config = new ParleyConfig("127.0.0.1", 0, dataDir, Optional.empty(), Optional.of(SECRET),
                Duration.ofMinutes(15), Duration.ofDays(1), Optional.of(ADMIN_KEY), 1024 * 1024, 10_000, 64 * 1024,
                1_000, Duration.ofSeconds(30), Duration.ofHours(1))
                .withBus(new ParleyConfig.Bus(redis, RedisForTests.uniqueChannel()))
                .withLimits(ParleyConfig.Limits.off());
        nodes.add(Parley.start(config));
        nodes.add(Parley.start(config));
    }

    @AfterAll
    static void stopNodes() throws IOException {
        nodes.forEach(Parley::close);
        if (dataDir != null) {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void throughputAcrossTwoNodesDeliversEveryMessageExactlyOnce() throws IOException {
        Path json = out.resolve("throughput.json");
        int status = Bench.run(new String[] {"throughput",
                "--url", "http://127.0.0.1:" + nodes.get(0).port(),
                "--receiver-url", "http://127.0.0.1:" + nodes.get(1).port(),
                "--pairs", "4", "--window", "4", "--warmup", "1", "--duration", "2", "--drain", "10",
                "--json", json.toString()}, Map.of("PARLEY_ADMIN_API_KEY", ADMIN_KEY, "PARLEY_JWT_SECRET", SECRET));

        assertThat(status).isZero();
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("parameters").path("receiver_url").asText()).endsWith(":" + nodes.get(1).port());
        assertThat(result.path("clean").asBoolean()).isTrue();
        assertThat(result.path("accounting").path("lost").asLong()).isZero();
        assertThat(result.path("accounting").path("duplicated").asLong()).isZero();
        assertThat(result.path("accounting").path("sent").asLong()).isPositive()
                .isEqualTo(result.path("accounting").path("received").asLong());
    }
}
