package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * The storm mode against a real Parley started in-process on H2 (port 0), restarted in the middle of the run by the
 * run's restart hook instead of a shell command: the running Parley is closed (no drain, the nearest an in-process
 * server comes to a kill) and a new one started on the same port, on the same data directory (the messages survive) or
 * on an empty one. Speed is never asserted here.
 */
class StormIT {

    private static final String SECRET = "storm-test-secret-long-enough-for-hs256!";
    private static final String ADMIN_KEY = "storm-admin-key-0123456789";

    @TempDir
    Path out;

    private Path dataDir;
    private volatile Parley parley;

    @BeforeEach
    void startParley() throws IOException {
        dataDir = Files.createTempDirectory("parley-storm-it-");
        parley = Parley.start(config(dataDir, 0));
    }

    @AfterEach
    void stopParley() throws IOException {
        if (parley != null) {
            parley.close();
        }
        delete(dataDir);
    }

    @Test
    void everyClientComesBackAndCatchesUpAndNothingConfirmedIsLost() throws IOException {
        int port = parley.port();
        Run run = run(() -> restartOn(dataDir, port), "--reconnect-timeout", "60");

        assertThat(run.status).as("exit status").isZero();
        assertThat(run.result.path("clean").asBoolean()).isTrue();
        JsonNode accounting = run.result.path("accounting");
        assertThat(accounting.path("lost").asLong()).isZero();
        assertThat(accounting.path("duplicated").asLong()).isZero();
        assertThat(accounting.path("mismatched_ids").asLong()).isZero();
        assertThat(accounting.path("unknown_frames").asLong()).isZero();
        assertThat(accounting.path("confirmed").asLong()).as("confirmed before and after the restart")
                .isGreaterThan(40);
        assertThat(accounting.path("closes").asLong()).as("every connection dropped at the restart")
                .isGreaterThanOrEqualTo(20);
        JsonNode figures = run.result.path("figures");
        assertThat(figures.path("clients_back").asInt()).isEqualTo(20);
        assertThat(figures.path("receivers_caught_up").asInt()).isEqualTo(10);
        assertThat(figures.path("catch_up_requests").asLong()).isGreaterThanOrEqualTo(10);
        assertThat(figures.path("restart_to_first_handshake_s").asDouble()).isPositive();
        assertThat(figures.path("first_handshake_to_all_caught_up_s").isNumber()).isTrue();
        assertThat(figures.path("handshakes_per_s_all").asDouble()).isPositive();
        assertThat(figures.path("handshakes_per_s_first_20").asDouble()).isPositive();
        assertThat(figures.path("drained").asBoolean()).isTrue();
        assertThat(run.result.path("requirements").path("all_back_within_timeout").asBoolean()).isTrue();
        assertThat(run.result.path("requirements").path("all_caught_up_within_timeout").asBoolean()).isTrue();
    }

    /**
     * A restart onto an empty data directory: the server forgot the users (their handshakes are refused) and the
     * messages; the run must fail, not wait forever and not pass.
     */
    @Test
    void aRestartOntoAnEmptyDataDirectoryFailsTheRun() throws IOException {
        int port = parley.port();
        Path empty = Files.createTempDirectory("parley-storm-it-empty-");
        try {
            Run run = run(() -> restartOn(empty, port), "--reconnect-timeout", "4", "--drain", "2");

            assertThat(run.status).as("exit status").isEqualTo(2);
            assertThat(run.result.path("clean").asBoolean()).isFalse();
            assertThat(run.result.path("requirements").path("all_back_within_timeout").asBoolean()).isFalse();
            assertThat(run.result.path("figures").path("clients_back").asInt()).isLessThan(20);
        } finally {
            parley.close();
            parley = null;
            delete(empty);
        }
    }

    private void restartOn(Path directory, int port) {
        parley.close();
        parley = Parley.start(config(directory, port));
    }

    private static ParleyConfig config(Path directory, int port) {
        return new ParleyConfig("127.0.0.1", port, directory, Optional.empty(), Optional.of(SECRET),
                Duration.ofMinutes(15), Duration.ofDays(1), Optional.of(ADMIN_KEY), 1024 * 1024, 10_000, 64 * 1024,
                1_000, Duration.ofSeconds(30), Duration.ofHours(1))
                .withLimits(ParleyConfig.Limits.off())
                .withOperations(new ParleyConfig.Operations(ParleyConfig.Operations.DEFAULT_DATABASE_TIMEOUT,
                        Duration.ZERO));
    }

    private Run run(Runnable restart, String... options) throws IOException {
        Path json = out.resolve("storm-" + System.nanoTime() + ".json");
        String[] args = Stream.concat(Stream.of("storm", "--url", "http://127.0.0.1:" + parley.port(),
                "--json", json.toString(), "--connections", "20", "--source-addresses", "2", "--rate", "40",
                "--warmup", "2", "--duration", "1", "--drain", "10"), Stream.of(options)).toArray(String[]::new);

        int status = Bench.run(args, Map.of("PARLEY_ADMIN_API_KEY", ADMIN_KEY, "PARLEY_JWT_SECRET", SECRET), restart);

        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("mode").asText()).isEqualTo("storm");
        return new Run(status, result);
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Run(int status, JsonNode result) {
    }
}
