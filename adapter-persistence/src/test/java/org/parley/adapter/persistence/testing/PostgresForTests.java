package org.parley.adapter.persistence.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * Where a PostgreSQL test run finds its server, decided once per test JVM; shared through this module's test-jar by
 * the persistence adapter's tests and bootstrap's end-to-end tests.
 *
 * <p>Those tests run twice: on H2 (surefire's default execution) and on PostgreSQL (a second surefire execution,
 * which sets {@value #MODE_PROPERTY}{@code =postgres}). The PostgreSQL server is named by {@value #URL_PROPERTY} (for
 * example {@code jdbc:postgresql://127.0.0.1:5432/}), with {@value #USER_PROPERTY} and {@value #PASSWORD_PROPERTY}.
 * When it is not set or not reachable, the PostgreSQL tests are skipped with one line saying how to enable them; on a
 * CI server ({@code CI=true}) they fail instead, so CI can never pass without them.
 */
public final class PostgresForTests {

    public static final String MODE_PROPERTY = "parley.test.database";
    static final String URL_PROPERTY = "parley.test.postgresUrl";
    static final String USER_PROPERTY = "parley.test.postgresUser";
    static final String PASSWORD_PROPERTY = "parley.test.postgresPassword";
    private static final String HOW_TO_ENABLE = "PostgreSQL tests SKIPPED (%s): to run them, start PostgreSQL and "
            + "run mvn verify -D" + URL_PROPERTY + "=jdbc:postgresql://127.0.0.1:5432/ (user postgres by default; "
            + "-D" + USER_PROPERTY + "=… -D" + PASSWORD_PROPERTY + "=…)";

    private static String server;
    private static String unavailable;

    private PostgresForTests() {
    }

    /** Whether this test JVM is the PostgreSQL run. */
    public static boolean selected() {
        return "postgres".equals(System.getProperty(MODE_PROPERTY));
    }

    public static String user() {
        return System.getProperty(USER_PROPERTY, "postgres");
    }

    public static String password() {
        return System.getProperty(PASSWORD_PROPERTY, "");
    }

    /**
     * The server's base URL, ending in {@code /}, checked to accept connections. Aborts the calling test (a skip)
     * when PostgreSQL is not configured or not reachable, or fails it on CI.
     */
    public static synchronized String server() {
        if (server == null && unavailable == null) {
            locate();
        }
        if (unavailable != null) {
            if (onCi()) {
                throw new IllegalStateException("PostgreSQL is required on CI (CI=true) but " + unavailable);
            }
            Assumptions.abort(unavailable);
        }
        return server;
    }

    /** Creates an empty database, named the prefix plus a random suffix, on the server and returns its name. */
    public static String createDatabase(String prefix) {
        String name = prefix + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE DATABASE " + name);
        return name;
    }

    /** Drops a database made by {@link #createDatabase(String)}, closing any connection still open to it. */
    public static void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** How many connections are open to this database now (PostgreSQL's {@code pg_stat_activity}). */
    public static int connectionsTo(String database) {
        try (Connection connection = DriverManager.getConnection(server() + "postgres", user(), password());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count the connections to " + database, e);
        }
    }

    /** Runs one statement on the server's maintenance database {@code postgres}. */
    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(server() + "postgres", user(), password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run '" + sql + "' on PostgreSQL at " + server(), e);
        }
    }

    private static void locate() {
        String url = System.getProperty(URL_PROPERTY, "").strip();
        if (url.isEmpty()) {
            unavailable = URL_PROPERTY + " is not set";
        } else {
            String base = url.endsWith("/") ? url : url + "/";
            DriverManager.setLoginTimeout(5);
            try (Connection ignored = DriverManager.getConnection(base + "postgres", user(), password())) {
                server = base;
            } catch (SQLException e) {
                unavailable = "cannot connect to " + base + "postgres as " + user() + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            }
        }
        if (unavailable != null && !onCi()) {
            announce(String.format(Locale.ROOT, HOW_TO_ENABLE, unavailable));
        }
    }

    private static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Once per JVM, on the process's own standard error: surefire sends that to the console even with -q. */
    @SuppressWarnings("resource")
    private static void announce(String line) {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        console.println("[parley] " + line);
    }
}
