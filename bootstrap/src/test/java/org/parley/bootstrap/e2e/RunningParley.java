package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.parley.adapter.persistence.DatabaseSettings;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * Starts a real Parley for a test class — any free port, a fresh temporary data directory and a fresh database — and
 * stops it afterwards. Register it as a static field with {@code @RegisterExtension}.
 *
 * <p>The database is the embedded H2 in the data directory, or in the PostgreSQL run (see {@link PostgresForTests})
 * a throwaway PostgreSQL database created for the test class and dropped after it. {@link #startAnotherInstance()}
 * starts a second Parley on the same database, as a second server process of a deployment would be.
 */
public final class RunningParley implements BeforeAllCallback, AfterAllCallback {

    public static final String JWT_SECRET = "e2e-test-secret-that-is-long-enough-for-hs256";
    public static final String ADMIN_API_KEY = "e2e-admin-api-key-0123456789";

    private final long maxUploadBytes;
    private Path dataDir;
    private String postgresDatabase;
    private Parley parley;
    private ParleyConfig config;

    /** A server with the default upload limit (25 MiB). */
    public RunningParley() {
        this(25L * 1024 * 1024);
    }

    /** A server that accepts files of at most {@code maxUploadBytes}. */
    public RunningParley(long maxUploadBytes) {
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Optional<ParleyConfig.Database> database = Optional.empty();
        if (PostgresForTests.selected()) {
            String server = PostgresForTests.server();
            postgresDatabase = PostgresForTests.createDatabase("parley_e2e_");
            database = Optional.of(new ParleyConfig.Database(server + postgresDatabase, PostgresForTests.user(),
                    PostgresForTests.password(), 10, Duration.ofSeconds(10)));
        }
        dataDir = Files.createTempDirectory("parley-e2e-");
        config = new ParleyConfig(
                "127.0.0.1",
                0,
                dataDir,
                database,
                Optional.of(JWT_SECRET),
                Duration.ofMinutes(15),
                Duration.ofDays(1),
                Optional.of(ADMIN_API_KEY),
                maxUploadBytes,
                10_000,
                64 * 1024,
                1_000,
                Duration.ofSeconds(30),
                Duration.ofHours(1));
        parley = Parley.start(config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (parley != null) {
                parley.close();
            }
        } finally {
            if (postgresDatabase != null) {
                PostgresForTests.dropDatabase(postgresDatabase);
            }
            deleteRecursively(dataDir);
        }
    }

    /**
     * Another Parley on the same configuration and database, on a port of its own: a second server process of the
     * same deployment (each instance delivers frames only to its own connections). The caller closes it, before this
     * extension's {@code afterAll}.
     */
    public Parley startAnotherInstance() {
        return Parley.start(config);
    }

    public int port() {
        return parley.port();
    }

    public String httpBase() {
        return "http://127.0.0.1:" + port();
    }

    public String wsBase() {
        return "ws://127.0.0.1:" + port();
    }

    public Parley parley() {
        return parley;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * A plain JDBC connection (auto-commit) to this server's database, H2 or PostgreSQL, for tests that need SQL of
     * their own (such as writing rows an older version could have written). The caller closes it.
     */
    public Connection connectToDatabase() throws SQLException {
        if (postgresDatabase != null) {
            return DriverManager.getConnection(PostgresForTests.server() + postgresDatabase, PostgresForTests.user(),
                    PostgresForTests.password());
        }
        DatabaseSettings h2 = DatabaseSettings.embeddedH2(dataDir);
        return DriverManager.getConnection(h2.jdbcUrl(), h2.username(), h2.password());
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
