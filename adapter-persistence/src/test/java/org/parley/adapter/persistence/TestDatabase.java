package org.parley.adapter.persistence;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.application.testing.ChatStorage;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * A fresh, empty Parley database for one test class, with the storage started on it: an H2 file database in the given
 * directory, or in the PostgreSQL run (see {@link org.parley.adapter.persistence.testing.PostgresForTests}) a throwaway database {@code parley_test_*}
 * created on the PostgreSQL server and dropped on close.
 */
final class TestDatabase implements AutoCloseable {

    private final DatabaseSettings settings;
    private final PersistenceModule module;
    private final String postgresDatabase;

    private TestDatabase(DatabaseSettings settings, PersistenceModule module, String postgresDatabase) {
        this.settings = settings;
        this.module = module;
        this.postgresDatabase = postgresDatabase;
    }

    static TestDatabase fresh(Path dir) {
        return fresh(dir, Map.of());
    }

    static TestDatabase fresh(Path dir, Map<String, Object> extraHibernateSettings) {
        return fresh(dir, CacheSettings.defaults(), extraHibernateSettings);
    }

    static TestDatabase fresh(Path dir, CacheSettings caches, Map<String, Object> extraHibernateSettings) {
        if (!PostgresForTests.selected()) {
            DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
            return new TestDatabase(settings, PersistenceModule.start(settings, caches, extraHibernateSettings), null);
        }
        String base = PostgresForTests.server();
        String database = PostgresForTests.createDatabase("parley_test_");
        DatabaseSettings settings = new DatabaseSettings(
                base + database, PostgresForTests.user(), PostgresForTests.password(), 10, Duration.ofSeconds(10));
        try {
            return new TestDatabase(settings, PersistenceModule.start(settings, caches, extraHibernateSettings), database);
        } catch (RuntimeException | Error failure) {
            PostgresForTests.dropDatabase(database);
            throw failure;
        }
    }

    DatabaseSettings settings() {
        return settings;
    }

    /** A plain JDBC connection to this database (auto-commit), for tests that need SQL of their own. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
    }

    PersistenceModule module() {
        return module;
    }

    /** The three storage ports of this database, as the repository contract tests take them. */
    ChatStorage chatStorage() {
        return new ChatStorage(module.userAccounts(), module.threads(), module.messages());
    }

    /** A new user (minimal, backend-managed) stored in this database; its id. */
    UserId newUser() {
        User user = Fixtures.minimalUser();
        module.userAccounts().add(Fixtures.backendManaged(user));
        return user.id();
    }

    /**
     * Another storage on the same database, with its own pool and Hibernate: what a second server sharing the
     * database has. The caller closes it.
     */
    PersistenceModule secondServer() {
        return PersistenceModule.start(settings);
    }

    /** As {@link #secondServer()}, with these caches and extra Hibernate settings. */
    PersistenceModule secondServer(CacheSettings caches, Map<String, Object> extraHibernateSettings) {
        return PersistenceModule.start(settings, caches, extraHibernateSettings);
    }

    @Override
    public void close() {
        module.close();
        if (postgresDatabase != null) {
            PostgresForTests.dropDatabase(postgresDatabase);
        }
    }
}
