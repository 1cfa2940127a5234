package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.bootstrap.e2e.People.Person;

/**
 * The README's promise, kept by a test: {@code java -jar bootstrap/target/parley.jar} starts a working server on the
 * embedded database, and SIGTERM stops it gracefully. Runs after packaging (failsafe), against the real shaded jar.
 */
class PackagedJarIT {

    private static final Pattern LISTENING = Pattern.compile("Parley is listening on http://127\\.0\\.0\\.1:(\\d+)/");

    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private CompletableFuture<Void> outputRead;

    private Process launch(Path dataDir, Map<String, String> environment) throws IOException {
        Path jar = Path.of(System.getProperty("parley.jar", "target/parley.jar"));
        assertThat(jar).exists();
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PARLEY_"));
        builder.environment().put("PARLEY_HOST", "127.0.0.1");
        builder.environment().put("PARLEY_PORT", "0");
        builder.environment().put("PARLEY_DATA_DIR", dataDir.toString());
        builder.environment().put("PARLEY_PASSWORD_ITERATIONS", "1000");
        builder.environment().putAll(environment);
        Process process = builder.start();
        outputRead = CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(output::add);
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // the process ended
            }
        });
        return process;
    }

    private int awaitPort(Process process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            synchronized (output) {
                for (String line : output) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        return Integer.parseInt(matcher.group(1));
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start:\n" + String.join("\n", output));
    }

    /**
     * Alice sends Bob one text message over the websocket of the jar on this port; it is confirmed and in their history.
     * Returns Alice.
     */
    private static Person chatThrough(int port, String body) {
        HttpApi api = new HttpApi("http://127.0.0.1:" + port);
        People people = new People(api);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (ChatSocket socket = ChatSocket.connect("ws://127.0.0.1:" + port, alice.access())) {
            socket.send(Frames.text(bob.id(), body));
            assertThat(socket.next().get("action").asText()).isEqualTo("conf_message");
        }
        assertThat(api.get("/chat/messages/" + alice.id() + "/", bob.access()).data().get("messages")).hasSize(1);
        return alice;
    }

    @Test
    void theJarServesChatOnTheEmbeddedDatabaseAndStopsGracefullyOnSigterm(@TempDir Path dataDir) throws Exception {
        Process process = launch(dataDir, Map.of("PARLEY_ADMIN_API_KEY", RunningParley.ADMIN_API_KEY));
        try {
            Person alice = chatThrough(awaitPort(process), "from the packaged jar");

            // SIGTERM, as a service manager sends it. (Process.destroy() would also close our end of its output.)
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s").isTrue();
            outputRead.get(5, TimeUnit.SECONDS);
            assertThat(output).anyMatch(line -> line.contains("Parley has stopped"));
            assertThat(Files.exists(dataDir.resolve("jwt-secret"))).isTrue();
            assertThat(String.join("\n", output))
                    .as("tokens never reach the log")
                    .doesNotContain(alice.access())
                    .doesNotContain("token=");
        } finally {
            process.destroyForcibly();
        }
    }

    /** The shaded jar carries PostgreSQL's driver and Flyway's PostgreSQL support: it migrates and serves on it. */
    @Test
    void theJarMigratesAndServesAPostgresqlDatabase(@TempDir Path dataDir) throws Exception {
        String server = PostgresForTests.server();
        String database = PostgresForTests.createDatabase("parley_e2e_");
        Process process = null;
        try {
            process = launch(dataDir, Map.of(
                    "PARLEY_DB_URL", server + database,
                    "PARLEY_DB_USER", PostgresForTests.user(),
                    "PARLEY_DB_PASSWORD", PostgresForTests.password(),
                    "PARLEY_DB_POOL_SIZE", "3"));
            chatThrough(awaitPort(process), "stored in PostgreSQL");
            assertThat(output).anyMatch(line -> line.contains("Storage ready on " + server + database));
            // PARLEY_DB_POOL_SIZE reaches the pool, which keeps exactly that many connections open.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (PostgresForTests.connectionsTo(database) != 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(PostgresForTests.connectionsTo(database)).isEqualTo(3);
        } finally {
            if (process != null) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
            PostgresForTests.dropDatabase(database);
        }
    }

    @Test
    void aBadSettingStopsStartUpWithOneLineNamingTheVariable(@TempDir Path dataDir) throws Exception {
        Process process = launch(dataDir, Map.of("PARLEY_PORT", "eighty"));
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        outputRead.get(5, TimeUnit.SECONDS);
        assertThat(output).anyMatch(line -> line.contains("PARLEY_PORT: not a whole number"));
    }

    @Test
    void anUnreachableDatabaseStopsStartUpWithOneLineNamingIt(@TempDir Path dataDir) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String password = "db-pa55word-never-shown";
        Process process = launch(dataDir, Map.of(
                "PARLEY_DB_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/parley",
                "PARLEY_DB_PASSWORD", password,
                "PARLEY_DB_CONNECT_TIMEOUT_SECONDS", "1"));
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        outputRead.get(5, TimeUnit.SECONDS);

        String expected = "Parley could not start: Cannot connect to the database at jdbc:postgresql://127.0.0.1:"
                + closedPort + "/parley";
        assertThat(output.stream().filter(line -> line.contains(expected))).hasSize(1);
        assertThat(output).noneMatch(line -> line.contains(password))
                .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by"));
    }
}
