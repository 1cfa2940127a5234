package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * A stop (what SIGTERM runs, {@link Parley#close()}) while the database hangs is bounded by the drain time plus
 * Parley's fixed closing limits, not by the database time-out (issue 13 review: with {@code PARLEY_DB_TIMEOUT_SECONDS=30}
 * and {@code PARLEY_DRAIN_SECONDS=3} the process took 24.9 s to exit), and nothing confirmed is lost. The real
 * PostgreSQL of the test run, behind a {@link TcpProxy} that the test freezes (forwards nothing, closes nothing: a
 * partition), a real websocket client. Skipped (one line) without {@code -Dparley.test.postgresUrl}.
 */
class StopWhileTheDatabaseHangsIT {

    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN = Duration.ofSeconds(1);
    /**
     * The drain, the closing limit (5 s) and room for a busy 2-core machine; well under the database time-out, and
     * under what the stop took before it was bounded (the drain, then 10 s for the message writer alone, then the pool).
     */
    private static final Duration STOP_BOUND = DRAIN.plusSeconds(5 + 3);

    private PostgresBehindAProxy postgres;
    private Parley parley;
    private Parley again;

    @AfterEach
    void stop() {
        try {
            if (again != null) {
                again.close();
            }
            if (parley != null) {
                parley.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void aStopWhileACommitHangsEndsWithinTheDrainAndTheClosingLimitAndLosesNothingConfirmed(@TempDir Path dataDir)
            throws Exception {
        postgres = PostgresBehindAProxy.create();
        TcpProxy proxy = postgres.proxy();
        parley = Parley.start(ParleyConfig.fromEnvironment(environment(dataDir.resolve("first"),
                postgres.proxiedUrl())));
        HttpApi api = new HttpApi("http://127.0.0.1:" + parley.port());
        People people = new People(api);
        Person ada = people.register("Ada");
        Person alan = people.register("Alan");
        List<String> confirmed = new ArrayList<>();

        try (ChatSocket sender = ChatSocket.connect("ws://127.0.0.1:" + parley.port(), ada.access());
             ServerLog log = ServerLog.capture()) {
            for (int i = 1; i <= 3; i++) {
                sender.send(Frames.text(alan.id(), "before " + i, "b-" + i));
                JsonNode conf = sender.next();
                assertThat(conf.get("action").asText()).as(conf.toString()).isEqualTo("conf_message");
                confirmed.add("before " + i);
            }

            proxy.freeze();
            // Users and the thread are in memory now: this message goes straight to its commit, which hangs.
            sender.send(Frames.text(alan.id(), "while frozen", "f-1"));
            assertThat(sender.poll(Duration.ofMillis(500))).as("no answer while the commit hangs").isNull();

            int mark = log.mark();
            long started = System.nanoTime();
            parley.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).as("the stop, with a %s s database time-out", DB_TIMEOUT.toSeconds())
                    .isLessThan(STOP_BOUND);
            assertThat(sender.awaitClose().code()).isEqualTo(1001);
            assertThat(log.since(mark).stream().filter(line -> line.contains("stopped without waiting longer")))
                    .as("one line says what was given up: %s", log.since(mark)).singleElement()
                    .satisfies(line -> assertThat(line).contains("message writer"));
        }

        proxy.thaw();
        again = Parley.start(ParleyConfig.fromEnvironment(environment(dataDir.resolve("second"),
                postgres.directUrl())));
        HttpApi.Reply history = new HttpApi("http://127.0.0.1:" + again.port())
                .get("/chat/messages/" + alan.id() + "/?limit=200", ada.access());
        assertThat(history.status()).as(history.raw()).isEqualTo(200);
        List<String> stored = new ArrayList<>();
        for (JsonNode message : history.data().get("messages")) {
            stored.add(message.get("message").asText());
        }
        assertThat(stored).as("every confirmed message is stored").containsAll(confirmed);
    }

    /** {@link PostgresBehindAProxy#environment} with this test's database time-out and drain. */
    private Map<String, String> environment(Path dataDir, String databaseUrl) throws Exception {
        Map<String, String> environment = postgres.environment(dataDir, databaseUrl, DB_TIMEOUT);
        environment.put("PARLEY_DRAIN_SECONDS", Long.toString(DRAIN.toSeconds()));
        return environment;
    }
}
