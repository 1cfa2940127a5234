package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadPosition;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * The thread lock of group commit ({@link ThreadOrder#lockForAppending}, an update on H2, {@code FOR NO KEY UPDATE} on
 * PostgreSQL) and a new thread's plain-JDBC insert ({@link ThreadRows#insert}), checked on plain connections of a real
 * database (an H2 file, or PostgreSQL in that run): locks taken in ascending id order whatever order the batch names
 * its threads in, held until commit; the lock leaves {@code created_at} exactly as stored (offset and microseconds);
 * the inserted row is stored exactly as Hibernate's persist of {@link ChatThreadEntity} stored it; and a pair's thread
 * being inserted by another, not yet committed transaction makes {@code getOrCreate} return that thread, not fail.
 */
class ThreadLockAndInsertTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none(), java.util.Map.of());

    private static Dialect dialect;
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        dialect = DATABASE.get().module().sessionFactory().unwrap(SessionFactoryImplementor.class)
                .getJdbcServices().getDialect();
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static ChatThread newThread() {
        return DATABASE.get().module().threads()
                .getOrCreate(Participants.of(DATABASE.newUser(), DATABASE.newUser()), Fixtures.T0);
    }

    private static Connection transaction() throws SQLException {
        Connection connection = DATABASE.get().connect();
        connection.setAutoCommit(false);
        return connection;
    }

    private static void lockTimeout(Connection connection, int millis) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(dialect instanceof H2Dialect
                    ? "set lock_timeout " + millis : "set lock_timeout = '" + millis + "ms'");
        }
    }

    /**
     * A batch naming its threads high id first still locks the lower one first: while it waits for the higher one
     * (held by another batch), the lower one is already locked, so a third batch wanting only the lower one waits too.
     * Locking in one order is what keeps two batches sharing threads from deadlocking.
     */
    @Test
    void aBatchLocksItsThreadsInAscendingIdOrderAndHoldsThemUntilCommit() throws Exception {
        ThreadId low = newThread().id();
        ThreadId high = newThread().id();
        assertThat(low.value()).isLessThan(high.value());
        ThreadOrder order = ThreadOrder.forDialect(dialect);
        try (Connection holder = transaction(); Connection batch = transaction(); Connection probe = transaction()) {
            lockTimeout(batch, 20_000);
            lockTimeout(probe, 300);
            order.lockForAppending(holder, List.of(high));
            Future<?> waiting = pool.submit(() -> order.lockForAppending(batch, List.of(high, low)));
            Thread.sleep(1_000);
            assertThat(waiting).as("waits for the holder's lock on the higher thread").isNotDone();

            assertThatThrownBy(() -> order.lockForAppending(probe, List.of(low)))
                    .as("the lower thread is locked by the waiting batch already").isInstanceOf(SQLException.class);
            probe.rollback();

            holder.commit();
            waiting.get(10, TimeUnit.SECONDS);
            batch.commit();
            assertThat(order.lockForAppending(probe, List.of(low, high))).containsOnlyKeys(low, high);
            probe.commit();
        }
    }

    /**
     * Two servers on one database, two writers each, store batches spanning random subsets of four threads, named in
     * random order: the batches' locks overlap in every combination, and none may deadlock or time out, and in each
     * thread every stored message's position is right after the message stored before it.
     */
    @Test
    void batchesOfTwoServersSpanningThreadsInAnyOrderNeitherDeadlockNorBreakTheChains() throws Exception {
        List<ChatThread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(newThread());
        }
        List<AppendedMessage> stored = Collections.synchronizedList(new ArrayList<>());
        try (PersistenceModule secondServer = DATABASE.get().secondServer()) {
            List<MessageRepository> servers = List.of(DATABASE.get().module().messages(), secondServer.messages(),
                    DATABASE.get().module().messages(), secondServer.messages());
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < servers.size(); w++) {
                MessageRepository server = servers.get(w);
                Random random = new Random(w);
                writers.add(pool.submit(() -> {
                    for (int b = 0; b < 60; b++) {
                        List<ChatThread> order = new ArrayList<>(threads);
                        Collections.shuffle(order, random);
                        List<MessageDraft> batch = new ArrayList<>();
                        for (ChatThread thread : order.subList(0, 1 + random.nextInt(order.size()))) {
                            UserId sender = thread.participants().first();
                            batch.add(thread.compose(sender, Fixtures.text("b" + b), Fixtures.at(b)));
                        }
                        stored.addAll(server.appendAll(batch));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(2, TimeUnit.MINUTES);
            }
        }
        for (ChatThread thread : threads) {
            List<AppendedMessage> inThread = new ArrayList<>();
            synchronized (stored) {
                stored.stream().filter(appended -> appended.message().threadId().equals(thread.id()))
                        .forEach(inThread::add);
            }
            inThread.sort(Comparator.comparing(appended -> appended.message().id()));
            assertThat(inThread).isNotEmpty();
            for (int i = 0; i < inThread.size(); i++) {
                ThreadPosition expected = i == 0
                        ? ThreadPosition.first() : ThreadPosition.after(inThread.get(i - 1).message().id());
                assertThat(inThread.get(i).position()).as("position of message %d", i).isEqualTo(expected);
            }
        }
        assertThat(stored).hasSizeGreaterThan(240);
    }

    /**
     * A reader's first read marker (an insert whose foreign key references the thread's row) while a batch holds the
     * thread's lock: HibernateReadMarkerRepository promises that marking never waits for sends.
     */
    @Test
    void aFirstReadMarkerDoesNotWaitForABatchHoldingTheThread() throws Exception {
        ChatThread thread = newThread();
        UserId reader = thread.participants().second();
        var message = DATABASE.get().module().messages()
                .append(thread.compose(thread.participants().first(), Fixtures.text("hi"), Fixtures.at(1)));
        try (Connection batch = transaction()) {
            ThreadOrder.forDialect(dialect).lockForAppending(batch, List.of(thread.id()));
            Future<?> marking = pool.submit(() -> DATABASE.get().module().readMarkers()
                    .advance(thread.id(), reader, message.id(), Fixtures.at(2)));
            try {
                marking.get(3, TimeUnit.SECONDS);
            } finally {
                batch.commit();
                marking.get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The lock writes the row on H2 ({@code created_at = created_at}): offset and microseconds must survive it. */
    @Test
    void theLockLeavesCreatedAtExactlyAsStored() throws Exception {
        ChatThread thread = newThread();
        String stored = "2026-01-02 03:04:05.123456+05:30";
        try (Connection connection = DATABASE.get().connect()) {
            try (PreparedStatement set = connection.prepareStatement(
                    "update chat_threads set created_at = cast(? as timestamp(6) with time zone) where id = ?")) {
                set.setString(1, stored);
                set.setLong(2, thread.id().value());
                assertThat(set.executeUpdate()).isEqualTo(1);
            }
            OffsetDateTime before = createdAt(connection, thread.id().value());
            connection.setAutoCommit(false);
            ThreadOrder.forDialect(dialect).lockForAppending(connection, List.of(thread.id()));
            connection.commit();
            assertThat(createdAt(connection, thread.id().value())).isEqualTo(before);
            assertThat(before.toInstant()).isEqualTo(OffsetDateTime.parse("2026-01-02T03:04:05.123456+05:30").toInstant());
        }
    }

    /**
     * The plain insert stores {@code created_at} as Hibernate's persist of the entity did: the same instant, offset
     * and text, compared on the raw column (Hibernate's own read maps any offset to the same {@link Instant}).
     */
    @Test
    void theInsertedRowIsStoredAsHibernatesPersistStoredIt() throws Exception {
        Instant created = Instant.parse("2026-11-30T12:34:56.123456789Z");
        ChatThread viaJdbc = DATABASE.get().module().threads()
                .getOrCreate(Participants.of(DATABASE.newUser(), DATABASE.newUser()), created);
        Participants other = Participants.of(DATABASE.newUser(), DATABASE.newUser());
        ChatThreadEntity entity = new ChatThreadEntity();
        entity.firstUserId = other.first().value();
        entity.secondUserId = other.second().value();
        entity.createdAt = StoredInstants.toColumn(created);
        DATABASE.get().module().sessionFactory().inTransaction(session -> session.persist(entity));

        assertThat(entity.id).as("the same sequence, one value each").isEqualTo(viaJdbc.id().value() + 1);
        try (Connection connection = DATABASE.get().connect()) {
            assertThat(createdAt(connection, viaJdbc.id().value())).isEqualTo(createdAt(connection, entity.id));
            assertThat(createdAtText(connection, viaJdbc.id().value())).isEqualTo(createdAtText(connection, entity.id));
        }
        ChatThread next = newThread();
        assertThat(next.id().value()).as("no id skipped or reused after Hibernate's").isEqualTo(entity.id + 1);
    }

    /**
     * Two first messages of one pair at once, the other one's insert not yet committed when this one's runs: this
     * one's insert must wait for it and fall back to its thread (on H2 as on PostgreSQL), never fail.
     */
    @Test
    void aPairWhoseThreadIsBeingInsertedByAnotherTransactionGetsThatThread() throws Exception {
        Participants pair = Participants.of(DATABASE.newUser(), DATABASE.newUser());
        try (Connection other = transaction()) {
            ChatThread theirs =
                    ThreadRows.insert(other, SequenceIds.forDialect(dialect, SequenceIds.THREADS), pair, Fixtures.T0);
            CompletableFuture<ChatThread> mine = CompletableFuture.supplyAsync(
                    () -> DATABASE.get().module().threads().getOrCreate(pair, Fixtures.at(1)), pool);
            Thread.sleep(300);
            other.commit();
            assertThat(mine.get(20, TimeUnit.SECONDS)).isEqualTo(theirs);
        }
    }

    private static OffsetDateTime createdAt(Connection connection, long id) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("select created_at from chat_threads where id = ?")) {
            read.setLong(1, id);
            try (ResultSet row = read.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getObject(1, OffsetDateTime.class);
            }
        }
    }

    private static String createdAtText(Connection connection, long id) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(
                "select cast(created_at as varchar(64)) from chat_threads where id = ?")) {
            read.setLong(1, id);
            try (ResultSet row = read.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }
}
