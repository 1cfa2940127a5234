package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

import org.hibernate.JDBCException;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;

/**
 * A pair's first message creates its thread with plain JDBC ({@link ThreadRows#insert}), not through Hibernate's
 * persist and flush: the statements it prepares, the row it writes (read back by Hibernate's mapping of
 * {@link ChatThreadEntity} equal to what it returned, microseconds kept, nanoseconds cut), and the unique violation a
 * second insert of the pair raises, recognised as {@link HibernateThreadRepository}'s fallback expects. On H2, and on
 * PostgreSQL in that run; no cache in front.
 */
class ThreadCreatedWithJdbcTest {

    private static final RecordingConnections CONNECTIONS = new RecordingConnections();

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none(),
            Map.of(AvailableSettings.CONNECTION_PROVIDER, CONNECTIONS));
    private static ThreadRepository threads;
    private static SequenceIds threadIds;

    @BeforeAll
    static void start() {
        threads = DATABASE.get().module().threads();
        assertThat(threads).as("no cache in front").isInstanceOf(HibernateThreadRepository.class);
        Dialect dialect = DATABASE.get().module().sessionFactory().unwrap(SessionFactoryImplementor.class)
                .getJdbcServices().getDialect();
        threadIds = SequenceIds.forDialect(dialect, SequenceIds.THREADS);
    }

    @Test
    void aNewThreadIsTheLookUpTheSequenceAndOnePlainInsert() {
        Participants pair = Participants.of(DATABASE.newUser(), DATABASE.newUser());
        CONNECTIONS.clear();

        threads.getOrCreate(pair, Fixtures.T0);

        assertThat(CONNECTIONS.prepared())
                .containsExactly(ThreadRows.BY_PARTICIPANTS, threadIds.sql(), ThreadRows.INSERT);
        CONNECTIONS.clear();
        threads.getOrCreate(pair, Fixtures.at(5));
        assertThat(CONNECTIONS.prepared()).as("found, not created again").containsExactly(ThreadRows.BY_PARTICIPANTS);
    }

    @Test
    void theRowIsWhatHibernatesMappingReadsBackWithMicroseconds() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        Instant created = Instant.parse("2026-11-30T12:34:56.123456789Z");

        ChatThread thread = threads.getOrCreate(Participants.of(b, a), created);
        ChatThread next = threads.getOrCreate(Participants.of(a, DATABASE.newUser()), created);

        assertThat(thread.createdAt()).isEqualTo(Instant.parse("2026-11-30T12:34:56.123456Z"));
        assertThat(thread.participants()).isEqualTo(Participants.of(a, b));
        assertThat(next.id().value()).as("ids from the sequence").isGreaterThan(thread.id().value());
        assertThat(threads.findActivityOf(a)).extracting(ThreadActivity::thread).contains(thread, next);
        assertThat(threads.findActivityOf(b)).extracting(ThreadActivity::thread).containsExactly(thread);
        assertThat(threads.findById(thread.id())).contains(thread);
        assertThat(threads.findByParticipants(Participants.of(a, b))).contains(thread);
    }

    @Test
    void aSecondInsertOfThePairIsTheUniqueViolationTheFallbackRecognises() {
        Participants pair = Participants.of(DATABASE.newUser(), DATABASE.newUser());
        ChatThread first = threads.getOrCreate(pair, Fixtures.T0);

        assertThatThrownBy(() -> insertInItsOwnTransaction(pair))
                .isInstanceOf(JDBCException.class)
                .satisfies(failure -> assertThat(
                        UniqueViolation.of(failure, HibernateThreadRepository.PAIR_CONSTRAINT)).isTrue());
        assertThat(threads.findByParticipants(pair)).contains(first);
        assertThat(threads.findActivityOf(pair.first())).extracting(ThreadActivity::thread)
                .as("rolled back: still one thread").containsExactly(first);
    }

    @Test
    void onAPlainConnectionTheSecondInsertIsRefusedByTheConstraint() throws SQLException {
        Participants pair = Participants.of(DATABASE.newUser(), DATABASE.newUser());
        threads.getOrCreate(pair, Fixtures.T0);
        try (Connection connection = DATABASE.get().connect()) {
            assertThatThrownBy(() -> ThreadRows.insert(connection, threadIds, pair, Fixtures.T0))
                    .isInstanceOf(SQLException.class)
                    .satisfies(failure -> assertThat(((SQLException) failure).getSQLState()).isEqualTo("23505"));
        }
        assertThat(threads.findActivityOf(pair.first())).hasSize(1);
    }

    /** {@link ThreadRows#insert} as {@link Transactions#jdbc} runs it: Hibernate converts what the driver throws. */
    private static ChatThread insertInItsOwnTransaction(Participants pair) {
        try (StatelessSession session = DATABASE.get().module().sessionFactory().openStatelessSession()) {
            session.beginTransaction();
            try {
                ChatThread thread = session.doReturningWork(
                        connection -> ThreadRows.insert(connection, threadIds, pair, Fixtures.T0));
                session.getTransaction().commit();
                return thread;
            } catch (RuntimeException failure) {
                session.getTransaction().rollback();
                throw failure;
            }
        }
    }
}
