package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.hibernate.JDBCException;
import org.hibernate.cfg.AvailableSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.error.Unavailable;
import org.parley.application.port.out.MessageRange;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;

/**
 * The reads done with plain JDBC fail as the Hibernate reads they replaced did (both databases, no cache in front): a
 * connection that breaks under a statement (SQL state class {@code 08}) answers {@link Unavailable}, through
 * {@link DatabaseAvailability}, and any other {@link SQLException} leaves as Hibernate's {@link JDBCException}, carrying
 * the driver's exception, and is not taken for an outage.
 */
class JdbcReadFailuresTest {

    private static final RecordingConnections CONNECTIONS = new RecordingConnections();

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none(),
            Map.of(AvailableSettings.CONNECTION_PROVIDER, CONNECTIONS));
    private static UserId alice;
    private static UserId bob;
    private static ChatThread thread;
    private static List<Runnable> reads;

    @BeforeAll
    static void start() {
        alice = DATABASE.newUser();
        bob = DATABASE.newUser();
        PersistenceModule module = DATABASE.get().module();
        thread = module.threads().getOrCreate(Participants.of(alice, bob), Fixtures.at(0));
        MessageId first = module.messages().append(thread.compose(alice, Fixtures.text("one"), Fixtures.at(1))).id();
        reads = List.of(
                () -> module.userAccounts().findById(alice),
                () -> module.userAccounts().findAllById(List.of(alice, bob)),
                () -> module.threads().findByParticipants(thread.participants()),
                () -> module.threads().findById(thread.id()),
                () -> module.messages().findInThread(thread.id(), MessageRange.newest(), 50),
                () -> module.messages().findFilesInThread(thread.id(),
                        new MessageRange(Optional.of(first), Optional.empty(), MessageRange.Direction.OLDEST_FIRST), 5),
                () -> module.readMarkers().findIn(thread.id()));
    }

    @AfterEach
    void heal() {
        CONNECTIONS.failStatementsWith(null);
    }

    @Test
    void aConnectionBrokenUnderAReadAnswersUnavailable() throws InterruptedException {
        for (Runnable read : reads) {
            awaitTheDatabaseAnswering(read);
            CONNECTIONS.failStatementsWith(new SQLException("An I/O error occurred while sending to the backend.",
                    "08006"));

            assertThatThrownBy(read::run).isInstanceOf(Unavailable.class);

            CONNECTIONS.failStatementsWith(null);
        }
    }

    @Test
    void anyOtherFailureOfAReadIsPassedOnAsHibernatesJdbcExceptionNotAsAnOutage() throws InterruptedException {
        awaitTheDatabaseAnswering(reads.get(0));
        SQLException refused = new SQLException("syntax error", "42601");
        CONNECTIONS.failStatementsWith(refused);

        for (Runnable read : reads) {
            assertThatThrownBy(read::run).isInstanceOf(JDBCException.class).hasCauseReference(refused);
        }
    }

    /**
     * A pair's first message creates its thread with plain JDBC ({@link ThreadRows#insert}): a connection broken under
     * the insert answers {@link Unavailable}, as under Hibernate's persist, and any other failure of it leaves as
     * Hibernate's {@link JDBCException}, not taken for an outage nor for the pair's unique violation.
     */
    @Test
    void aNewThreadsInsertFailsAsTheReadsDo() throws InterruptedException {
        PersistenceModule module = DATABASE.get().module();
        awaitTheDatabaseAnswering(reads.get(0));
        CONNECTIONS.failStatementsWith(new SQLException("An I/O error occurred while sending to the backend.",
                "08006"), ThreadRows.INSERT);
        Participants broken = Participants.of(DATABASE.newUser(), DATABASE.newUser());

        assertThatThrownBy(() -> module.threads().getOrCreate(broken, Fixtures.at(2))).isInstanceOf(Unavailable.class);

        CONNECTIONS.failStatementsWith(null);
        awaitTheDatabaseAnswering(reads.get(0));
        SQLException refused = new SQLException("syntax error", "42601");
        CONNECTIONS.failStatementsWith(refused, ThreadRows.INSERT);
        Participants refusedPair = Participants.of(DATABASE.newUser(), DATABASE.newUser());

        assertThatThrownBy(() -> module.threads().getOrCreate(refusedPair, Fixtures.at(2)))
                .isInstanceOf(JDBCException.class).hasCauseReference(refused);
        CONNECTIONS.failStatementsWith(null);
        assertThat(module.threads().findByParticipants(broken)).as("nothing stored").isEmpty();
        assertThat(module.threads().getOrCreate(refusedPair, Fixtures.at(3)).participants()).isEqualTo(refusedPair);
    }

    /** After an outage, the first unit of work once the probe interval has passed finds the database again. */
    private static void awaitTheDatabaseAnswering(Runnable read) throws InterruptedException {
        long deadline = System.nanoTime() + DatabaseAvailability.PROBE_INTERVAL.multipliedBy(5).toNanos();
        while (true) {
            try {
                read.run();
                return;
            } catch (Unavailable refused) {
                assertThat(System.nanoTime()).as("the database answers again").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }
}
