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
 * Runs each kind of the abuse mode for a few seconds against a real Parley started in-process on H2 with the contract's
 * limits (§16: 20 messages a second in bursts of 40, 20 connections per user, 1 MiB pending per connection): the run
 * must finish by itself, account for every bystander message exactly once, and report the abuse's counters as the
 * limits shape them. Latency figures are reported, never asserted: this test runs on a busy machine.
 */
class AbuseBenchmarkIT {

    private static final String SECRET = "benchmark-test-secret-long-enough-for-hs256";
    private static final String ADMIN_KEY = "benchmark-admin-key-0123456789";

    private static Path dataDir;
    private static Parley parley;

    @TempDir
    Path out;

    @BeforeAll
    static void startParley() throws IOException {
        dataDir = Files.createTempDirectory("parley-abuse-it-");
        ParleyConfig config = new ParleyConfig("127.0.0.1", 0, dataDir, Optional.empty(), Optional.of(SECRET),
                Duration.ofMinutes(15), Duration.ofDays(1), Optional.of(ADMIN_KEY), 1024 * 1024, 10_000, 64 * 1024,
                1_000, Duration.ofSeconds(30), Duration.ofHours(1));
        assertThat(config.limits()).as("abuse runs keep the contract's limits").isEqualTo(ParleyConfig.Limits.defaults());
        parley = Parley.start(config);
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
    void aFloodIsAnsweredWithRateLimitedFrames() throws IOException {
        JsonNode figures = run("flood", "--connections", "2", "--window", "4");

        assertThat(figures.path("abuse_connections_accepted").asLong()).isEqualTo(2);
        assertThat(figures.path("abuse_sent").asLong()).isPositive();
        assertThat(figures.path("abuse_stored").asLong()).isPositive();
        assertThat(figures.path("abuse_rate_limited").asLong()).isPositive();
        assertThat(figures.path("abuse_sent").asLong()).isGreaterThanOrEqualTo(
                figures.path("abuse_stored").asLong() + figures.path("abuse_rate_limited").asLong());
    }

    @Test
    void connectionsAboveThePerUserCapAreRefusedWith429AndTheRestReceiveTheFanOut() throws IOException {
        JsonNode figures = run("connections", "--connections", "40");

        assertThat(figures.path("abuse_connections_accepted").asLong())
                .isEqualTo(ParleyConfig.Edge.DEFAULT_MAX_CONNECTIONS_PER_USER);
        assertThat(figures.path("abuse_connections_refused_429").asLong())
                .isEqualTo(40 - ParleyConfig.Edge.DEFAULT_MAX_CONNECTIONS_PER_USER);
        assertThat(figures.path("abuse_stored").asLong()).isPositive();
        assertThat(figures.path("abuse_fan_out_frames").asLong()).isPositive();
    }

    @Test
    void aSlowConsumerHoldsWebsocketsThatNeverRead() throws IOException {
        JsonNode figures = run("slow-consumer", "--connections", "2", "--body-chars", "2000");

        assertThat(figures.path("abuse_connections_opened").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(figures.path("abuse_connections_refused_429").asLong()).isZero();
        assertThat(figures.path("abuse_stored").asLong()).isPositive();
    }

    @Test
    void slowBodiesAreHeldOpen() throws IOException {
        JsonNode figures = run("slow-bodies", "--connections", "20");

        assertThat(figures.path("abuse_connections_opened").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(figures.path("abuse_connections_failed").asLong()).isZero();
        assertThat(figures.has("abuse_sent")).as("slow bodies send no messages").isFalse();
    }

    @Test
    void slowHeadersAreHeldOpenUntilTheHeaderTimeout() throws IOException {
        JsonNode figures = run("slow-headers", "--connections", "20");

        assertThat(figures.path("abuse_connections_opened").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(figures.path("abuse_connections_failed").asLong()).isZero();
        assertThat(figures.has("abuse_sent")).as("slow headers send no messages").isFalse();
    }

    /** Runs one kind for 1 s without and 3 s under abuse; checks what every abuse report must hold. */
    private JsonNode run(String kind, String... options) throws IOException {
        Path json = out.resolve(kind + ".json");
        String[] args = Stream.concat(Stream.of("abuse", "--abuse", kind, "--url", "http://127.0.0.1:" + parley.port(),
                "--json", json.toString(), "--warmup", "1", "--duration", "3", "--drain", "20"),
                Stream.of(options)).toArray(String[]::new);

        int status = Bench.run(args, Map.of("PARLEY_ADMIN_API_KEY", ADMIN_KEY, "PARLEY_JWT_SECRET", SECRET));

        assertThat(status).as("exit status of abuse " + kind).isZero();
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("mode").asText()).isEqualTo("abuse");
        assertThat(result.path("parameters").path("abuse").asText()).isEqualTo(kind);
        assertThat(result.path("clean").asBoolean()).isTrue();
        JsonNode accounting = result.path("accounting");
        assertThat(accounting.path("lost").asLong()).isZero();
        assertThat(accounting.path("duplicated").asLong()).isZero();
        assertThat(accounting.path("sent").asLong()).as("20 bystander messages a second for 4 s").isEqualTo(80)
                .isEqualTo(accounting.path("confirmed").asLong())
                .isEqualTo(accounting.path("received").asLong());
        JsonNode figures = result.path("figures");
        assertThat(figures.path("bystander_quiet_count").asLong()).isEqualTo(20);
        assertThat(figures.path("bystander_abused_count").asLong()).isEqualTo(60);
        assertThat(figures.path("bystander_rate_limited").asLong()).isZero();
        assertThat(figures.path("bystander_lost_refused").asLong()).isZero();
        assertThat(figures.path("bystander_lost_unanswered").asLong()).isZero();
        for (String figure : new String[] {"bystander_quiet_p50_ms", "bystander_quiet_p99_ms", "bystander_abused_p50_ms",
                "bystander_abused_p99_ms", "bystander_abused_max_ms", "bystander_abused_p99_target"}) {
            assertThat(figures.has(figure)).as(figure).isTrue();
        }
        return figures;
    }
}
