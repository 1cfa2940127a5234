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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.parley.adapter.persistence.DatabaseSettings;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;

/**
 * Starts a real Parley for a test class — any free port, a fresh temporary data directory and a fresh database — and
 * stops it afterwards. Register it as a static field with {@code @RegisterExtension}.
 *
 * <p>The database is the embedded H2 in the data directory, or in the PostgreSQL run (see {@link PostgresForTests})
 * a throwaway PostgreSQL database created for the test class and dropped after it. {@link #startAnotherInstance()}
 * starts a second Parley on the same database, as a second server process of a deployment would be.
 *
 * <p><b>Cluster mode</b> ({@value #CLUSTER_PROPERTY}{@code =redis}, a surefire execution of its own): two nodes on one
 * PostgreSQL database and one Redis (the shared one, {@link RedisForTests}, on a channel of the test class's own), as
 * a deployment of several nodes behind a load balancer is; they share the data directory as nodes share their media
 * store. {@link #wsBase()} and {@link #httpBase()} take turns between the nodes, as a round-robin load balancer does,
 * so every test's connections and requests are spread over both: a user with two devices has one on each node, a
 * sender and a receiver are on different nodes. Without PostgreSQL or Redis the classes are skipped with one line (on
 * CI they fail).
 *
 * <p><b>Limits</b> (contract §16): off unless a test asks for them ({@link #RunningParley(ParleyConfig.Limits)}):
 * end-to-end tests send as fast as they can and register users in parallel, which the send rate and the hashing
 * queue would refuse.
 */
public final class RunningParley implements BeforeAllCallback, AfterAllCallback {

    public static final String JWT_SECRET = "e2e-test-secret-that-is-long-enough-for-hs256";
    public static final String ADMIN_API_KEY = "e2e-admin-api-key-0123456789";
    public static final String CLUSTER_PROPERTY = "parley.test.cluster";

    private final long maxUploadBytes;
    private final ParleyConfig.Limits limits;
    private final UnaryOperator<ParleyConfig> customize;
    private Path dataDir;
    private String postgresDatabase;
    private final List<Parley> nodes = new ArrayList<>();
    private final AtomicInteger nextWs = new AtomicInteger();
    private final AtomicInteger nextHttp = new AtomicInteger();
    private ParleyConfig config;

    /** A server with the default upload limit (25 MiB). */
    public RunningParley() {
        this(25L * 1024 * 1024);
    }

    /** A server that accepts files of at most {@code maxUploadBytes}. */
    public RunningParley(long maxUploadBytes) {
        this(maxUploadBytes, ParleyConfig.Limits.off(), UnaryOperator.identity());
    }

    /** A server with these limits (contract §16) and the default upload limit. */
    public RunningParley(ParleyConfig.Limits limits) {
        this(25L * 1024 * 1024, limits, UnaryOperator.identity());
    }

    /**
     * A server with the default upload limit, no send or log-in limits, whose configuration {@code customize} changes
     * (e.g. its limits at the edge).
     */
    public RunningParley(UnaryOperator<ParleyConfig> customize) {
        this(25L * 1024 * 1024, ParleyConfig.Limits.off(), customize);
    }

    private RunningParley(long maxUploadBytes, ParleyConfig.Limits limits, UnaryOperator<ParleyConfig> customize) {
        this.maxUploadBytes = maxUploadBytes;
        this.limits = limits;
        this.customize = customize;
    }

    /** Whether this test JVM runs the end-to-end tests against two nodes on a bus. */
    public static boolean clustered() {
        return "redis".equals(System.getProperty(CLUSTER_PROPERTY));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Optional<ParleyConfig.Database> database = Optional.empty();
        String redisUrl = clustered() ? RedisForTests.url() : null;   // skips (or fails on CI) before anything starts
        if (PostgresForTests.selected() || clustered()) {
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
                Duration.ofHours(1))
                .withLimits(limits);
        config = customize.apply(config);
        if (clustered()) {
            config = config.withBus(new ParleyConfig.Bus(redisUrl, RedisForTests.uniqueChannel()));
            nodes.add(Parley.start(config));
        }
        nodes.add(Parley.start(config));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            nodes.forEach(Parley::close);
        } finally {
            if (postgresDatabase != null) {
                PostgresForTests.dropDatabase(postgresDatabase);
            }
            deleteRecursively(dataDir);
        }
    }

    /**
     * Another Parley on the same configuration and database, on a port of its own: another server process of the
     * same deployment (without a bus each instance delivers frames only to its own connections; in cluster mode it
     * joins the bus). The caller closes it, before this extension's {@code afterAll}.
     */
    public Parley startAnotherInstance() {
        return Parley.start(config);
    }

    /** The first node's port. */
    public int port() {
        return nodes.get(0).port();
    }

    /** A node's HTTP base; in cluster mode the nodes take turns. */
    public String httpBase() {
        return "http://127.0.0.1:" + next(nextHttp).port();
    }

    /** A node's websocket base; in cluster mode the nodes take turns. */
    public String wsBase() {
        return "ws://127.0.0.1:" + next(nextWs).port();
    }

    /** The first node. */
    public Parley parley() {
        return nodes.get(0);
    }

    private Parley next(AtomicInteger turn) {
        return nodes.get(Math.floorMod(turn.getAndIncrement(), nodes.size()));
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
