package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The load tool's throughput and rate modes, with and without {@code --independent}, against the {@link ReferenceRelay}
 * on port 0 with tiny parameters: each run exits 0 with every message sent, confirmed and received exactly once, the
 * relay read every message the tool sent, and the report records which client mode was used. The relay mode of the
 * jar itself ({@code java -jar target/parley-bench.jar relay --port 0}) prints its address and serves a run too. The
 * relay by itself serves no conversation listing (404: nothing stored); {@link FaultyParley} adds one through its seams.
 * Speed is never asserted.
 */
class ReferenceRelayIT {

    private static final String SECRET = "reference-relay-secret-long-enough-for-hs256";
    private static final String ADMIN_KEY = "reference-relay-admin-key";
    private static final Map<String, String> ENV = Map.of("PARLEY_ADMIN_API_KEY", ADMIN_KEY,
            "PARLEY_JWT_SECRET", SECRET);

    @TempDir
    Path out;

    @ParameterizedTest(name = "independent: {0}")
    @ValueSource(booleans = {false, true})
    void throughputAgainstTheRelayIsClean(boolean independent) throws Exception {
        try (ReferenceRelay relay = ReferenceRelay.start(ADMIN_KEY, SECRET, 0)) {
            Run run = run(relay.httpBase(), independent, "throughput", "--pairs", "2", "--window", "4",
                    "--warmup", "0", "--duration", "1");

            assertClean(run, independent);
            assertThat(run.sent()).as("sent").isGreaterThanOrEqualTo(8).isEqualTo(relay.messagesRead());
            assertThat(run.result.path("figures").path("delivered_messages").asLong()).isPositive();
            assertThat(relay.usersCreated()).isEqualTo(4);
        }
    }

    @ParameterizedTest(name = "independent: {0}")
    @ValueSource(booleans = {false, true})
    void rateAgainstTheRelayIsClean(boolean independent) throws Exception {
        try (ReferenceRelay relay = ReferenceRelay.start(ADMIN_KEY, SECRET, 0)) {
            Run run = run(relay.httpBase(), independent, "rate", "--pairs", "2", "--rate", "40", "--warmup", "0",
                    "--duration", "1");

            assertClean(run, independent);
            assertThat(run.sent()).as("sent").isEqualTo(40).isEqualTo(relay.messagesRead());
            assertThat(run.result.path("figures").path("latency_count").asLong()).isEqualTo(40);
        }
    }

    @Test
    void theJarsRelayModePrintsItsAddressAndServesUntilKilled() throws Exception {
        Path jar = Path.of("target", "parley-bench.jar");
        assertThat(jar).as("the shaded jar, built in the package phase before the integration tests").exists();
        Process relay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "relay", "--port", "0", "--admin-key", ADMIN_KEY, "--jwt-secret", SECRET)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(relay.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = stdout.readLine();
            assertThat(line).isNotNull().startsWith("parley-bench relay: listening on http://127.0.0.1:");
            Matcher address = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)").matcher(line);
            assertThat(address.find()).isTrue();

            Run run = run(URI.create(address.group(1)), true, "throughput", "--pairs", "1", "--window", "2",
                    "--warmup", "0", "--duration", "1");

            assertClean(run, true);
            assertThat(relay.isAlive()).as("still serving after the run").isTrue();
        } finally {
            relay.destroy();
            assertThat(relay.waitFor(10, TimeUnit.SECONDS)).as("stopped by SIGTERM").isTrue();
        }
    }

    @Test
    void theBareRelayListsNothingWhileFaultyParleysRouteDoes() throws Exception {
        UUID reader = UUID.randomUUID();
        String token = new AccessTokens(SECRET, Duration.ofMinutes(5)).mint(reader, Instant.now());
        HttpClient http = HttpClient.newHttpClient();
        try (ReferenceRelay relay = ReferenceRelay.start(ADMIN_KEY, SECRET, 0);
             FaultyParley faulty = new FaultyParley(ADMIN_KEY, SECRET, Set.of())) {
            for (URI base : List.of(relay.httpBase(), faulty.httpBase())) {
                HttpResponse<String> listing = http.send(HttpRequest.newBuilder(
                                base.resolve("/chat/messages/" + UUID.randomUUID() + "/?after=0&limit=10"))
                        .header("Authorization", "Bearer " + token).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (base.equals(relay.httpBase())) {
                    assertThat(listing.statusCode()).as("the relay stores nothing and serves no catch-up")
                            .isEqualTo(404);
                } else {
                    assertThat(listing.statusCode()).as("FaultyParley's Route seam").isEqualTo(200);
                    assertThat(new ObjectMapper().readTree(listing.body()).path("data").path("messages").size())
                            .isZero();
                }
            }
            assertThat(faulty.catchUpRequests()).isEqualTo(1);
        }
    }

    private Run run(URI relay, boolean independent, String mode, String... options) throws Exception {
        Path json = out.resolve(mode + "-" + independent + "-" + System.nanoTime() + ".json");
        Stream<String> common = Stream.of(mode, "--url", relay.toString(), "--json", json.toString(), "--drain", "5");
        String[] args = Stream.of(common, Stream.of(options), independent ? Stream.of("--independent") : Stream.<String>empty())
                .flatMap(s -> s).toArray(String[]::new);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            status = Bench.run(args, ENV);
        } finally {
            System.setOut(stdout);
        }
        String summary = printed.toString(StandardCharsets.UTF_8);
        stdout.print(summary);
        assertThat(Files.exists(json)).as("JSON written (exit status " + status + ")").isTrue();
        return new Run(status, new ObjectMapper().readTree(json.toFile()), summary);
    }

    private static void assertClean(Run run, boolean independent) {
        JsonNode accounting = run.result.path("accounting");
        assertThat(run.status).as("exit status").isZero();
        assertThat(run.result.path("clean").asBoolean()).isTrue();
        assertThat(run.result.path("parameters").path("independent").isBoolean()).isTrue();
        assertThat(run.result.path("parameters").path("independent").asBoolean()).isEqualTo(independent);
        for (String zero : List.of("lost", "duplicated", "mismatched_ids", "unknown_frames", "unexpected_closes",
                "send_failures")) {
            assertThat(accounting.path(zero).asLong()).as(zero).isZero();
        }
        assertThat(accounting.path("confirmed").asLong()).as("confirmed").isEqualTo(run.sent());
        assertThat(accounting.path("received").asLong()).as("received").isEqualTo(run.sent());
        assertThat(run.result.path("figures").path("error_frames").asLong()).isZero();
        assertThat(run.result.path("figures").path("drained").asBoolean()).isTrue();
        assertThat(run.summary).contains("OK: every message confirmed and delivered exactly once");
    }

    private record Run(int status, JsonNode result, String summary) {
        long sent() {
            return result.path("accounting").path("sent").asLong();
        }
    }
}
