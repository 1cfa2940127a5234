package org.parley.adapter.persistence;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.parley.application.testing.ChatStorage;

/**
 * A fresh, empty Parley database for one test class, with the storage started on it. By default an H2 file database
 * in the given directory; when the system property {@value #POSTGRES_PROPERTY} names a PostgreSQL server (for example
 * {@code jdbc:postgresql://127.0.0.1:5432/}), a throwaway database created on that server and dropped on close.
 */
final class TestDatabase implements AutoCloseable {

    static final String POSTGRES_PROPERTY = "parley.test.postgresUrl";
    private static final String POSTGRES_USER = System.getProperty("parley.test.postgresUser", "postgres");
    private static final String POSTGRES_PASSWORD = System.getProperty("parley.test.postgresPassword", "");

    private final DatabaseSettings settings;
    private final PersistenceModule module;
    private final String postgresServer;
    private final String postgresDatabase;

    private TestDatabase(DatabaseSettings settings, PersistenceModule module, String postgresServer,
                         String postgresDatabase) {
        this.settings = settings;
        this.module = module;
        this.postgresServer = postgresServer;
        this.postgresDatabase = postgresDatabase;
    }

    static TestDatabase fresh(Path dir) {
        return fresh(dir, Map.of());
    }

    static TestDatabase fresh(Path dir, Map<String, Object> extraHibernateSettings) {
        String server = System.getProperty(POSTGRES_PROPERTY);
        if (server == null || server.isBlank()) {
            DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
            return new TestDatabase(settings, PersistenceModule.start(settings, extraHibernateSettings), null, null);
        }
        String base = server.endsWith("/") ? server : server + "/";
        String database = "parley_test_" + UUID.randomUUID().toString().replace("-", "");
        execute(base + "postgres", "CREATE DATABASE " + database);
        DatabaseSettings settings = new DatabaseSettings(
                base + database, POSTGRES_USER, POSTGRES_PASSWORD, 10, Duration.ofSeconds(10));
        return new TestDatabase(settings, PersistenceModule.start(settings, extraHibernateSettings), base, database);
    }

    PersistenceModule module() {
        return module;
    }

    /** The three storage ports of this database, as the repository contract tests take them. */
    ChatStorage chatStorage() {
        return new ChatStorage(module.userAccounts(), module.threads(), module.messages());
    }

    /**
     * Another storage on the same database, with its own pool and Hibernate: what a second server sharing the
     * database has. The caller closes it.
     */
    PersistenceModule secondServer() {
        return PersistenceModule.start(settings);
    }

    @Override
    public void close() {
        module.close();
        if (postgresDatabase != null) {
            execute(postgresServer + "postgres", "DROP DATABASE IF EXISTS " + postgresDatabase);
        }
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url, POSTGRES_USER, POSTGRES_PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run '" + sql + "' on " + url, e);
        }
    }
}
