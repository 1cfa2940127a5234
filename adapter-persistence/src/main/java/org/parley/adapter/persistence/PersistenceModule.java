package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.tool.schema.spi.SchemaManagementException;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.PresenceRepository;
import org.parley.application.port.out.ReadinessProbe;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parley's storage, ready to use: a connection pool (HikariCP) on the configured database, the schema migrated to this
 * version (Flyway) and checked against the mapping (Hibernate {@code validate}), and the storage ports built on it.
 * The ports are thread-safe and each of their methods is one transaction. User and thread look-ups by id or pair are
 * served from memory once read, as {@link CacheSettings} says (see "Caches" in docs/storage.md).
 *
 * <p>Call {@link #start} once at start-up and {@link #close} once at shutdown, after everything using the ports has
 * stopped.
 */
public final class PersistenceModule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PersistenceModule.class);
    private static final String JBOSS_LOGGING_PROVIDER = "org.jboss.logging.provider";
    private static final String MIGRATIONS = "classpath:db/migration";
    private static final List<Class<?>> ENTITIES = List.of(UserEntity.class, ChatThreadEntity.class, MessageEntity.class,
            LastSeenEntity.class);

    private final HikariDataSource pool;
    private final Optional<H2Housekeeping> housekeeping;
    private final SessionFactory sessionFactory;
    private final UserAccounts userAccounts;
    private final ThreadRepository threads;
    private final MessageRepository messages;
    private final WebhookOutbox webhookOutbox;
    private final ReadMarkerRepository readMarkers;
    private final PresenceRepository presence;
    private final DatabaseAvailability availability;
    private final ReadinessProbe readiness;

    private PersistenceModule(HikariDataSource pool, SessionFactory sessionFactory, CacheSettings caches,
                              Optional<H2Housekeeping> housekeeping, DatabaseAvailability availability) {
        this.pool = pool;
        this.availability = availability;
        this.housekeeping = housekeeping;
        this.sessionFactory = sessionFactory;
        Transactions transactions = new Transactions(sessionFactory, availability);
        UserAccounts storedUsers = new HibernateUserAccounts(transactions);
        Dialect dialect = sessionFactory.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
        ThreadRepository storedThreads = new HibernateThreadRepository(transactions,
                SequenceIds.forDialect(dialect, SequenceIds.THREADS));
        this.userAccounts = caches.cachesUsers()
                ? new CachingUserAccounts(storedUsers, caches.userLifetime(), caches.maximumEntries())
                : storedUsers;
        this.threads = caches.cachesThreads()
                ? new CachingThreadRepository(storedThreads, caches.maximumEntries())
                : storedThreads;
        this.readMarkers = new HibernateReadMarkerRepository(transactions);
        this.messages = new HibernateMessageRepository(transactions, ThreadOrder.forDialect(dialect),
                SentKeys.forDialect(dialect), SequenceIds.forDialect(dialect, SequenceIds.MESSAGES));
        this.webhookOutbox = new HibernateWebhookOutbox(transactions);
        this.presence = new HibernatePresenceRepository(transactions);
        this.readiness = new DatabaseReadiness(transactions);
    }

    /**
     * Connects to the database, migrates its schema to this version and builds the storage ports, with the
     * {@linkplain CacheSettings#defaults() default caches}.
     *
     * @throws PersistenceStartupException when the database cannot be reached within the settings' connection
     *                                     timeout, refuses the credentials, or has a schema this version cannot use;
     *                                     or when an embedded H2 file left by a crash cannot be brought back to its
     *                                     newest committed state (damaged, not an H2 database, or read-only: see
     *                                     "Reopening after a crash" in docs/storage.md)
     */
    public static PersistenceModule start(DatabaseSettings settings) {
        return start(settings, CacheSettings.defaults());
    }

    /**
     * As {@link #start(DatabaseSettings)}, with these caches.
     *
     * @throws PersistenceStartupException as {@link #start(DatabaseSettings)}
     */
    public static PersistenceModule start(DatabaseSettings settings, CacheSettings caches) {
        return start(settings, caches, Map.of());
    }

    /** As {@link #start(DatabaseSettings)}, with extra Hibernate settings (tests turn on statistics with it). */
    static PersistenceModule start(DatabaseSettings settings, Map<String, Object> extraHibernateSettings) {
        return start(settings, CacheSettings.defaults(), extraHibernateSettings);
    }

    /** As {@link #start(DatabaseSettings, CacheSettings)}, with extra Hibernate settings. */
    static PersistenceModule start(
            DatabaseSettings settings, CacheSettings caches, Map<String, Object> extraHibernateSettings) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(caches, "caches");
        Objects.requireNonNull(extraHibernateSettings, "extraHibernateSettings");
        // Hibernate logs through JBoss Logging; send it to SLF4J like everything else, whatever the SLF4J backend.
        if (System.getProperty(JBOSS_LOGGING_PROVIDER) == null) {
            System.setProperty(JBOSS_LOGGING_PROVIDER, "slf4j");
        }
        // Before H2 opens its file: after a crash, H2's own quick recovery can settle on an older state (H2CrashRecovery).
        try {
            H2CrashRecovery.fileOf(settings.jdbcUrl()).ifPresent(H2CrashRecovery::recoverIfNotClosedCleanly);
        } catch (RuntimeException e) {
            throw new PersistenceStartupException(e.getMessage(), e, settings);
        }
        HikariDataSource pool = openPool(settings);
        Optional<H2Housekeeping> housekeeping = Optional.empty();
        try {
            String schemaVersion = migrate(pool, settings);
            H2MessageIdBlocks.apply(pool, settings);
            housekeeping = startHousekeeping(pool, settings);
            PersistenceModule module = new PersistenceModule(pool,
                    buildSessionFactory(pool, settings, extraHibernateSettings), caches, housekeeping,
                    new DatabaseAvailability(settings));
            warnIfCommitsCanBeLost(pool, settings);
            LOG.info("Storage ready on {} (schema version {}; {})", settings.redactedUrl(), schemaVersion,
                    caches.describe());
            return module;
        } catch (RuntimeException | Error failure) {
            housekeeping.ifPresent(H2Housekeeping::close);
            pool.close();
            throw failure;
        }
    }

    public UserAccounts userAccounts() {
        return userAccounts;
    }

    public ThreadRepository threads() {
        return threads;
    }

    public MessageRepository messages() {
        return messages;
    }

    /** The webhook outbox (contract §15), on the same database as the messages. */
    public WebhookOutbox webhookOutbox() {
        return webhookOutbox;
    }

    /** Read markers and unread counts (contract §11), never cached. */
    public ReadMarkerRepository readMarkers() {
        return readMarkers;
    }


    /** Thread partners and {@code last_seen} (contract §13). */
    public PresenceRepository presence() {
        return presence;
    }

    /**
     * The database as {@code GET /health/ready} asks it (contract §17): a {@code SELECT 1} in a transaction of its
     * own, through the same outage handling as every unit of work (so while an outage is known it answers at once, and
     * otherwise waits at most {@code PARLEY_DB_TIMEOUT_SECONDS}).
     */
    public ReadinessProbe readinessProbe() {
        return readiness;
    }

    SessionFactory sessionFactory() {
        return sessionFactory;
    }

    /**
     * Whether the database is taken to be unreachable now: after a unit of work found it so, until one succeeds again
     * (see {@link DatabaseAvailability}). For readiness checks and tests.
     */
    public boolean databaseUnreachable() {
        return availability.isDown();
    }

    /** Closes Hibernate, then the pool and so every database connection. Calling it again does nothing. */
    @Override
    public void close() {
        housekeeping.ifPresent(H2Housekeeping::close);
        try {
            if (sessionFactory.isOpen()) {
                sessionFactory.close();
            }
        } finally {
            pool.close();
        }
    }

    private static HikariDataSource openPool(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("parley-db");
        config.setJdbcUrl(settings.jdbcUrl());
        if (!settings.username().isEmpty()) {
            config.setUsername(settings.username());
        }
        if (!settings.password().isEmpty()) {
            config.setPassword(settings.password());
        }
        long requestTimeoutMillis = settings.requestTimeout().toMillis();
        config.setMaximumPoolSize(settings.maximumPoolSize());
        // Once running, a request waits this long for a connection; longer and the database counts as unreachable
        // (DatabaseAvailability), and the request is refused with 503 / 'unavailable'.
        config.setConnectionTimeout(requestTimeoutMillis);
        config.setValidationTimeout(Math.max(250, Math.min(requestTimeoutMillis, 5_000) - 1));
        // Start-up keeps trying to connect (a database that is still starting up gets a chance) up to the connect
        // timeout.
        config.setInitializationFailTimeout(settings.connectionTimeout().toMillis());
        // Hibernate begins a transaction on every use; connections that start without auto-commit save it a round
        // trip per transaction (see provider_disables_autocommit).
        config.setAutoCommit(false);
        if (settings.isPostgres()) {
            // A JDBC batch of inserts goes to the server as a few multi-row INSERTs instead of one statement per row.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            // A server that stops answering on an open connection (a network partition drops packets rather than
            // closing the socket) would otherwise hold the request until TCP gives up, minutes later. Migrations,
            // which may take longer, run on a connection of their own without this limit (migrate).
            long seconds = Math.max(1, (requestTimeoutMillis + 999) / 1000);
            config.addDataSourceProperty("socketTimeout", Long.toString(seconds));
            config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException failure) {
            // Includes a URL no driver on the class path accepts; Hikari's own message would repeat the raw URL.
            throw new PersistenceStartupException("Cannot connect to the database at " + settings.redactedUrl()
                    + ": " + reason(failure, settings), failure, settings);
        }
    }

    /** Migrates the schema to this version and returns the version it is at. */
    private static String migrate(HikariDataSource pool, DatabaseSettings settings) {
        if (settings.isPostgres()) {
            // Its own connection, without the pool's socket time-out: a migration may run longer than a request.
            HikariDataSource migrating;
            try {
                migrating = new HikariDataSource(migrationPoolConfig(pool, settings));
            } catch (RuntimeException failure) {
                throw new PersistenceStartupException("Cannot connect to the database at " + settings.redactedUrl()
                        + " to migrate it: " + reason(failure, settings), failure, settings);
            }
            try (migrating) {
                return migrate(Flyway.configure().dataSource(migrating), settings);
            }
        }
        return migrate(Flyway.configure().dataSource(pool), settings);
    }

    /**
     * The pool's configuration for Flyway (which holds two connections at once on PostgreSQL), without the socket
     * time-outs that bound requests, waiting for connections as long as start-up does.
     */
    private static HikariConfig migrationPoolConfig(HikariDataSource pool, DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        pool.copyStateTo(config);
        config.setPoolName("parley-db-migration");
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setMinimumIdle(0);
        config.getDataSourceProperties().remove("socketTimeout");
        return config;
    }

    private static String migrate(FluentConfiguration configuration, DatabaseSettings settings) {
        Flyway flyway = configuration
                .locations(MIGRATIONS)
                .failOnMissingLocations(true)
                // A migration applied to the database but unknown here means a newer Parley wrote the schema: fail.
                .ignoreMigrationPatterns(new String[0])
                .cleanDisabled(true)
                .loggers("slf4j")
                .load();
        try {
            refuseNewerSchema(flyway, settings);
            flyway.migrate();
            MigrationInfo current = flyway.info().current();
            return current == null || current.getVersion() == null ? "none" : current.getVersion().toString();
        } catch (FlywayValidateException failure) {
            throw new PersistenceStartupException("The database schema at " + settings.redactedUrl()
                    + " does not match this Parley version's migrations (Flyway validation failed): "
                    + reason(failure, settings), failure, settings);
        } catch (FlywayException failure) {
            throw new PersistenceStartupException("Cannot migrate the database at " + settings.redactedUrl() + ": "
                    + reason(failure, settings), failure, settings);
        }
    }

    /**
     * On PostgreSQL, one warning line for each setting under which a commit that returned (so an acknowledged message)
     * can still be lost in a crash of PostgreSQL or of its machine: {@code synchronous_commit=off} (as this
     * connection sees it, so a per-database or per-role setting counts too) and {@code fsync=off}. H2's equivalent
     * ({@code WRITE_DELAY}) is never left to chance: see {@link DatabaseSettings}. See "What survives a crash" in
     * docs/storage.md.
     */
    /** The rewriting of sparse chunks that an embedded H2 database needs with every commit written through. */
    private static Optional<H2Housekeeping> startHousekeeping(DataSource pool, DatabaseSettings settings) {
        try {
            return H2Housekeeping.startIfEmbedded(pool, settings, H2Housekeeping.DEFAULT_INTERVAL);
        } catch (SQLException e) {
            throw new PersistenceStartupException("Cannot reach the database at " + settings.redactedUrl()
                    + " to start its housekeeping: " + reason(e, settings), e, settings);
        }
    }

    private static void warnIfCommitsCanBeLost(DataSource pool, DatabaseSettings settings) {
        if (!settings.jdbcUrl().startsWith("jdbc:postgresql:")) {
            return;
        }
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet values = statement.executeQuery(
                     "SELECT current_setting('synchronous_commit'), current_setting('fsync')")) {
            values.next();
            if ("off".equals(values.getString(1))) {
                LOG.warn("PostgreSQL runs with synchronous_commit=off: if PostgreSQL or its machine crashes, messages "
                        + "acknowledged up to 3 x wal_writer_delay earlier can be lost and their ids handed out again "
                        + "(see 'What survives a crash' in docs/storage.md)");
            }
            if ("off".equals(values.getString(2))) {
                LOG.warn("PostgreSQL runs with fsync=off: if its machine crashes or loses power, acknowledged messages "
                        + "can be lost and the database corrupted (see 'What survives a crash' in docs/storage.md)");
            }
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("Could not read PostgreSQL's synchronous_commit and fsync settings: {}", reason(e, settings));
        }
    }

    private static void refuseNewerSchema(Flyway flyway, DatabaseSettings settings) {
        MigrationInfo[] all = flyway.info().all();
        List<String> future = Arrays.stream(all)
                .filter(info -> info.getState() == MigrationState.FUTURE_SUCCESS
                        || info.getState() == MigrationState.FUTURE_FAILED)
                .map(info -> String.valueOf(info.getVersion()))
                .toList();
        if (!future.isEmpty()) {
            String known = Arrays.stream(all)
                    .filter(info -> info.getState().isResolved() && info.getVersion() != null)
                    .map(info -> String.valueOf(info.getVersion()))
                    .reduce((first, second) -> second)
                    .orElse("none");
            throw new PersistenceStartupException("The database schema at " + settings.redactedUrl()
                    + " is from a newer Parley version (it has migration " + String.join(", ", future)
                    + "; this version knows up to " + known + "): upgrade Parley or use another database", null, settings);
        }
    }

    private static SessionFactory buildSessionFactory(
            DataSource pool, DatabaseSettings settings, Map<String, Object> extraHibernateSettings) {
        Configuration configuration = new Configuration();
        ENTITIES.forEach(configuration::addAnnotatedClass);
        Map<String, Object> properties = new HashMap<>();
        properties.put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool);
        properties.put(AvailableSettings.HBM2DDL_AUTO, "validate");
        properties.put(AvailableSettings.CONNECTION_PROVIDER_DISABLES_AUTOCOMMIT, true);
        properties.put(AvailableSettings.IN_CLAUSE_PARAMETER_PADDING, true);
        properties.put(AvailableSettings.SHOW_SQL, false);
        properties.putAll(extraHibernateSettings);
        properties.forEach(configuration.getProperties()::put);
        try {
            return configuration.buildSessionFactory();
        } catch (RuntimeException failure) {
            if (causedBy(failure, SchemaManagementException.class)) {
                throw new PersistenceStartupException("The database schema at " + settings.redactedUrl()
                        + " does not match what this Parley version expects: " + reason(failure, settings), failure, settings);
            }
            throw new PersistenceStartupException("Cannot start Hibernate on the database at "
                    + settings.redactedUrl() + ": " + reason(failure, settings), failure, settings);
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's message, on one line and without the password or the raw URL. */
    private static String reason(Throwable failure, DatabaseSettings settings) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        }
        if (root instanceof SQLException sql && sql.getSQLState() != null) {
            message = message + " [SQL state " + sql.getSQLState() + "]";
        }
        return settings.withoutSecrets(message.strip().replaceAll("\\s*\\R\\s*", " "));
    }
}
