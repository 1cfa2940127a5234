package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * Runs every mode of the benchmark, with tiny parameters, against a real Parley started in-process on H2: it must
 * finish by itself with nothing lost or duplicated and write its JSON. Speed is never asserted here.
 */
class BenchmarkIT {

    private static final String SECRET = "benchmark-test-secret-long-enough-for-hs256";
    private static final String ADMIN_KEY = "benchmark-admin-key-0123456789";

    private static Path dataDir;
    private static Parley parley;

    @TempDir
    Path out;

    @BeforeAll
    static void startParley() throws IOException {
        dataDir = Files.createTempDirectory("parley-bench-it-");
        parley = Parley.start(new ParleyConfig("127.0.0.1", 0, dataDir, Optional.empty(), Optional.of(SECRET),
                Duration.ofMinutes(15), Duration.ofDays(1), Optional.of(ADMIN_KEY), 1024 * 1024, 10_000, 64 * 1024,
                1_000, Duration.ofSeconds(30), Duration.ofHours(1))
                .withLimits(ParleyConfig.Limits.off()));
    }

    @AfterAll
    static void stopParley() throws IOException {
        if (parley != null) {
            parley.close();
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void throughputDeliversEveryMessageExactlyOnce() throws IOException {
        JsonNode result = run("throughput", "--pairs", "2", "--window", "4", "--warmup", "1", "--duration", "2");

        assertThat(result.path("figures").path("delivered_messages").asLong()).isPositive();
        assertThat(result.path("figures").has("delivered_per_s")).isTrue();
        assertThat(result.path("figures").has("latency_p99_ms")).isTrue();
    }

    @Test
    void rateTimesEveryDelivery() throws IOException {
        JsonNode result = run("rate", "--pairs", "2", "--rate", "50", "--warmup", "1", "--duration", "2");

        assertThat(result.path("figures").path("measured_messages").asLong()).isEqualTo(100);
        assertThat(result.path("figures").path("latency_count").asLong()).isEqualTo(100);
        assertThat(result.path("accounting").path("sent").asLong()).isEqualTo(150);
    }

    @Test
    void idleConnectionsStayAliveAndTheServerMemoryIsRead() throws IOException {
        JsonNode result = run("idle", "--connections", "50", "--source-addresses", "3", "--sample", "10",
                "--settle", "0", "--server-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(result.path("accounting").path("sent").asLong()).isEqualTo(10);
        assertThat(result.path("figures").path("handshakes_per_s").asDouble()).isPositive();
        assertThat(result.path("figures").path("server_rss_before_kib").asLong()).isPositive();
        assertThat(result.path("figures").path("all_closed").asBoolean()).isTrue();
    }

    private JsonNode run(String mode, String... options) throws IOException {
        Path json = out.resolve(mode + ".json");
        String[] args = Stream.concat(
                Stream.of(mode, "--url", "http://127.0.0.1:" + parley.port(), "--json", json.toString(), "--drain", "10"),
                Stream.of(options)).toArray(String[]::new);

        int status = Bench.run(args, Map.of("PARLEY_ADMIN_API_KEY", ADMIN_KEY, "PARLEY_JWT_SECRET", SECRET));

        assertThat(status).as("exit status of " + mode).isZero();
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("mode").asText()).isEqualTo(mode);
        assertThat(result.path("clean").asBoolean()).isTrue();
        assertThat(result.path("accounting").path("lost").asLong()).isZero();
        assertThat(result.path("accounting").path("duplicated").asLong()).isZero();
        assertThat(result.path("accounting").path("sent").asLong()).isPositive()
                .isEqualTo(result.path("accounting").path("confirmed").asLong())
                .isEqualTo(result.path("accounting").path("received").asLong());
        return result;
    }
}
