package org.parley.adapter.persistence;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the PostgreSQL test run finds its server, decided once per test JVM.
 *
 * <p>The module's tests run twice: on H2 (surefire's default execution) and on PostgreSQL (the {@code postgres}
 * execution, which sets {@value #MODE_PROPERTY}{@code =postgres}). The PostgreSQL server is named by
 * {@value #URL_PROPERTY} (for example {@code jdbc:postgresql://127.0.0.1:5432/}), with {@value #USER_PROPERTY} and
 * {@value #PASSWORD_PROPERTY}. When it is not set or not reachable, the PostgreSQL tests are skipped with one line
 * saying how to enable them; on a CI server ({@code CI=true}) they fail instead, so CI can never pass without them.
 */
final class PostgresForTests {

    static final String MODE_PROPERTY = "parley.test.database";
    static final String URL_PROPERTY = "parley.test.postgresUrl";
    static final String USER_PROPERTY = "parley.test.postgresUser";
    static final String PASSWORD_PROPERTY = "parley.test.postgresPassword";
    static final String HOW_TO_ENABLE = "PostgreSQL tests SKIPPED (%s): to run them, start PostgreSQL and run "
            + "mvn verify -D" + URL_PROPERTY + "=jdbc:postgresql://127.0.0.1:5432/ (user postgres by default; "
            + "-D" + USER_PROPERTY + "=… -D" + PASSWORD_PROPERTY + "=…)";

    private static String server;
    private static String unavailable;

    private PostgresForTests() {
    }

    /** Whether this test JVM is the PostgreSQL run. */
    static boolean selected() {
        return "postgres".equals(System.getProperty(MODE_PROPERTY));
    }

    static String user() {
        return System.getProperty(USER_PROPERTY, "postgres");
    }

    static String password() {
        return System.getProperty(PASSWORD_PROPERTY, "");
    }

    /**
     * The server's base URL, ending in {@code /}, checked to accept connections. Aborts the calling test (a skip)
     * when PostgreSQL is not configured or not reachable, or fails it on CI.
     */
    static synchronized String server() {
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

    /** Runs one statement on the server's maintenance database {@code postgres}. */
    static void execute(String sql) {
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
