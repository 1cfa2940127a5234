package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.parley.adapter.persistence.testing.PostgresForTests;

/**
 * A throwaway database on the test run's PostgreSQL ({@link PostgresForTests}; the test is skipped with one line
 * without {@code -Dparley.test.postgresUrl}), reached through a {@link TcpProxy} that the test cuts, freezes and
 * restores, so the machine's shared server never notices; and the environment a Parley starts with on it, as a
 * deployment's would be. Closing it closes the proxy and drops the database; stop the Parleys on it first.
 */
final class PostgresBehindAProxy implements AutoCloseable {

    private final URI server;
    private final String database;
    private final TcpProxy proxy;

    private PostgresBehindAProxy(URI server, String database, TcpProxy proxy) {
        this.server = server;
        this.database = database;
        this.proxy = proxy;
    }

    /** Creates the database, then the proxy in front of its server. */
    static PostgresBehindAProxy create() throws IOException {
        URI server = URI.create(PostgresForTests.server().substring("jdbc:".length()));
        String database = PostgresForTests.createDatabase("parley_e2e_");
        try {
            return new PostgresBehindAProxy(server, database, new TcpProxy(server.getHost(), server.getPort()));
        } catch (IOException | RuntimeException e) {
            PostgresForTests.dropDatabase(database);
            throw e;
        }
    }

    TcpProxy proxy() {
        return proxy;
    }

    /** The database's JDBC URL through the proxy. */
    String proxiedUrl() {
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database;
    }

    /** The database's JDBC URL on its server itself, past the proxy. */
    String directUrl() {
        return "jdbc:postgresql://" + server.getHost() + ":" + server.getPort() + "/" + database;
    }

    /**
     * The {@code PARLEY_*} environment of a Parley on {@code databaseUrl} (this database's, proxied or direct) with a
     * database time-out of {@code dbTimeout} (whole seconds), its data in {@code dataDir} (created), any free port, the
     * end-to-end secrets and no send or log-in limits. The caller may add to it.
     */
    Map<String, String> environment(Path dataDir, String databaseUrl, Duration dbTimeout) throws IOException {
        Map<String, String> environment = new HashMap<>();
        environment.put("PARLEY_HOST", "127.0.0.1");
        environment.put("PARLEY_PORT", "0");
        environment.put("PARLEY_DATA_DIR", Files.createDirectories(dataDir).toString());
        environment.put("PARLEY_DB_URL", databaseUrl);
        environment.put("PARLEY_DB_USER", PostgresForTests.user());
        environment.put("PARLEY_DB_PASSWORD", PostgresForTests.password());
        environment.put("PARLEY_DB_TIMEOUT_SECONDS", Long.toString(dbTimeout.toSeconds()));
        environment.put("PARLEY_JWT_SECRET", RunningParley.JWT_SECRET);
        environment.put("PARLEY_ADMIN_API_KEY", RunningParley.ADMIN_API_KEY);
        environment.put("PARLEY_SEND_RATE_PER_SECOND", "0");
        environment.put("PARLEY_LOGIN_FAILURES", "0");
        environment.put("PARLEY_PASSWORD_ITERATIONS", "1000");
        return environment;
    }

    @Override
    public void close() {
        try {
            proxy.close();
        } finally {
            PostgresForTests.dropDatabase(database);
        }
    }
}
