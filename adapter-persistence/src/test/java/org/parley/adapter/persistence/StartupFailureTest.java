package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up against a database that is not there fails in time, with one line that names it and hides secrets. */
class StartupFailureTest {

    private static final String PASSWORD = "s3cr3t-Pa55";

    @Test
    void aClosedPortFailsWithinTheTimeoutNamingTheUrlWithoutThePassword() throws IOException {
        int port = freePort();
        Duration timeout = Duration.ofSeconds(2);
        DatabaseSettings settings = new DatabaseSettings(
                "jdbc:postgresql://127.0.0.1:" + port + "/parley?password=" + PASSWORD + "&ssl=false",
                "parley", PASSWORD, 4, timeout);

        long started = System.nanoTime();
        assertThatThrownBy(() -> PersistenceModule.start(settings))
                .isInstanceOf(PersistenceStartupException.class)
                .hasMessageStartingWith("Cannot connect to the database at jdbc:postgresql://127.0.0.1:" + port
                        + "/parley")
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining("\n");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        // Start-up keeps trying for the configured 2 s: a bound well below the pool's own 30 s default, and generous
        // for a busy machine, shows that the configured timeout is the one used.
        assertThat(elapsed).isLessThan(timeout.plusSeconds(10));
    }

    @Test
    void aUrlNoDriverAcceptsFailsWithoutRepeatingItsSecrets() {
        DatabaseSettings settings = new DatabaseSettings("jdbc:nosuchdb://127.0.0.1/parley?password=only-in-the-url",
                "parley", PASSWORD, 2, Duration.ofSeconds(1));

        assertThatThrownBy(() -> PersistenceModule.start(settings))
                .isInstanceOf(PersistenceStartupException.class)
                .hasMessageStartingWith("Cannot connect to the database at jdbc:nosuchdb://127.0.0.1/parley")
                .hasMessageNotContaining("only-in-the-url")
                .hasMessageNotContaining(PASSWORD)
                .satisfies(failure -> {
                    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                        assertThat(cause.getMessage()).doesNotContain("only-in-the-url").doesNotContain(PASSWORD);
                    }
                });
    }

    /**
     * Issue 10: a wrong password whose text occurs in the driver's message ("o") leaves the message readable and does
     * not reveal the password by the gaps a text search would leave ("Wr***ng user name ***r passw***rd").
     */
    @Test
    void aWrongPasswordThatOccursInTheMessageLeavesTheMessageIntact(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("db");
        PersistenceModule.start(new DatabaseSettings(url, "sa", "the-right-one", 2, Duration.ofSeconds(5))).close();

        assertThatThrownBy(() -> PersistenceModule.start(new DatabaseSettings(url, "sa", "o", 2, Duration.ofSeconds(5))))
                .isInstanceOf(PersistenceStartupException.class)
                .hasMessageContaining("Wrong user name or password")
                .hasMessageNotContaining("***")
                .satisfies(failure -> {
                    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                        assertThat(cause.getMessage()).doesNotContain("***");
                    }
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
