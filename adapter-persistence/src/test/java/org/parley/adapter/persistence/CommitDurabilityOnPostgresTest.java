package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.slf4j.LoggerFactory;

/**
 * Storage started on a PostgreSQL database whose commits may return before they are on disk says so in one warning
 * line: {@code synchronous_commit=off} set on the database itself (as an operator may do) is seen.
 */
@EnabledIfSystemProperty(named = PostgresForTests.MODE_PROPERTY, matches = "postgres",
        disabledReason = "PostgreSQL's commit settings: runs in the PostgreSQL run only")
class CommitDurabilityOnPostgresTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(PersistenceModule.class);
    private String database;

    @BeforeEach
    void captureTheLog() {
        log.start();
        logger.addAppender(log);
        database = PostgresForTests.createDatabase("parley_test_");
    }

    @AfterEach
    void dropTheDatabase() {
        logger.detachAppender(log);
        PostgresForTests.dropDatabase(database);
    }

    @Test
    void synchronousCommitOffOnTheDatabaseIsNamedInOneWarning() throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                PostgresForTests.server() + "postgres", PostgresForTests.user(), PostgresForTests.password());
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + database + " SET synchronous_commit = off");
        }

        start().close();

        assertThat(warnings()).singleElement().asString()
                .startsWith("PostgreSQL runs with synchronous_commit=off:")
                .contains("What survives a crash");
    }

    @Test
    void theDefaultsNeedNoWarningAboutSynchronousCommit() {
        start().close();

        assertThat(warnings()).noneMatch(line -> line.contains("synchronous_commit"));
    }

    private PersistenceModule start() {
        return PersistenceModule.start(new DatabaseSettings(PostgresForTests.server() + database,
                PostgresForTests.user(), PostgresForTests.password(), 2, Duration.ofSeconds(10)));
    }

    private List<String> warnings() {
        return log.list.stream()
                .filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
