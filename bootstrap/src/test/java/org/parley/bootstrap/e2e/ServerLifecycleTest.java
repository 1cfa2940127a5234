package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Start-up, restart with the same data, h2c-offering clients, and graceful shutdown. In the PostgreSQL run the server
 * uses a throwaway PostgreSQL database, so a restart also migrates (and validates) an existing PostgreSQL schema.
 */
class ServerLifecycleTest {

    private static String postgresDatabase;

    @BeforeAll
    static void createThePostgresDatabase() {
        if (PostgresForTests.selected()) {
            PostgresForTests.server();
            postgresDatabase = PostgresForTests.createDatabase("parley_e2e_");
        }
    }

    @AfterAll
    static void dropThePostgresDatabase() {
        if (postgresDatabase != null) {
            PostgresForTests.dropDatabase(postgresDatabase);
        }
    }

    private static ParleyConfig config(Path dataDir) {
        Optional<ParleyConfig.Database> database = Optional.ofNullable(postgresDatabase)
                .map(name -> new ParleyConfig.Database(PostgresForTests.server() + name, PostgresForTests.user(),
                        PostgresForTests.password(), 4, Duration.ofSeconds(10)));
        return new ParleyConfig("127.0.0.1", 0, dataDir, database, Optional.empty(),
                Duration.ofMinutes(15), Duration.ofDays(1), Optional.empty(), 25L * 1024 * 1024, 10_000, 64 * 1024,
                1_000, Duration.ofSeconds(30), Duration.ofHours(1));
    }

    @Test
    void shutdownClosesWebsocketsWith1001AndARestartKeepsUsersMessagesAndTheGeneratedSecret() throws Exception {
        Path dataDir = Files.createTempDirectory("parley-lifecycle-");
        try {
            Person alice;
            Person bob;
            try (Parley parley = Parley.start(config(dataDir))) {
                HttpApi api = new HttpApi("http://127.0.0.1:" + parley.port());
                People people = new People(api);
                alice = people.register("Alice");
                bob = people.register("Bob");
                ChatSocket socket = ChatSocket.connect("ws://127.0.0.1:" + parley.port(), alice.access());
                socket.send(Frames.text(bob.id(), "kept across restarts"));
                assertThat(socket.next().get("action").asText()).isEqualTo("conf_message");

                parley.close();

                assertThat(socket.awaitClose().code()).isEqualTo(1001);
            }
            assertThat(dataDir.resolve("jwt-secret")).exists();

            try (Parley restarted = Parley.start(config(dataDir))) {
                HttpApi api = new HttpApi("http://127.0.0.1:" + restarted.port());
                HttpApi.Reply history = api.get("/chat/messages/" + alice.id() + "/", bob.access());
                assertThat(history.status()).as("a token from before the restart still works").isEqualTo(200);
                assertThat(history.data().get("messages").get(0).get("message").asText()).isEqualTo("kept across restarts");
            }
        } finally {
            RunningParley.deleteRecursively(dataDir);
        }
    }

    /** The packaged server's main thread waits in awaitClosed: it must wait while Parley runs and return once closed. */
    @Test
    void awaitClosedWaitsUntilTheServerHasStopped() throws Exception {
        Path dataDir = Files.createTempDirectory("parley-await-");
        try (Parley parley = Parley.start(config(dataDir))) {
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    parley.awaitClosed();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(waiting).withFailMessage("awaitClosed returned while the server runs")
                    .failsWithin(Duration.ofMillis(300));
            parley.close();

            assertThat(waiting).succeedsWithin(Duration.ofSeconds(10));
        } finally {
            RunningParley.deleteRecursively(dataDir);
        }
    }

    @Test
    void aClientOfferingAnH2cUpgradeIsServedAsPlainHttp11() throws Exception {
        Path dataDir = Files.createTempDirectory("parley-h2c-");
        try (Parley parley = Parley.start(config(dataDir))) {
            // The JDK client offers "Upgrade: h2c" on http:// when asked for HTTP/2.
            HttpApi http2Client = new HttpApi("http://127.0.0.1:" + parley.port(), HttpClient.Version.HTTP_2);
            long started = System.nanoTime();
            HttpApi.Reply reply = http2Client.post("/auth/token/", Map.of("email", "nobody@example.com", "password", "whatever1"), null);
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.json().get("status").asText()).isEqualTo("failure");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            RunningParley.deleteRecursively(dataDir);
        }
    }
}
