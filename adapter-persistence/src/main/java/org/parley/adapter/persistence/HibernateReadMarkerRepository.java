package org.parley.adapter.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.hibernate.Session;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ReadState;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * {@link ReadMarkerRepository} on the {@code read_markers} table (migration V4), in native SQL written once for H2 and
 * PostgreSQL.
 *
 * <p><b>Never back, atomically.</b> A marker is raised with {@code UPDATE … SET message_id = :upTo WHERE … AND
 * message_id < :upTo}: a concurrent update of the same row makes the statement wait for its commit and evaluate the
 * condition again on the row it left (PostgreSQL's READ COMMITTED re-check; H2's row lock returns the committed row
 * and re-evaluates), so the greatest id wins whatever the order of the commits. A reader's first marker is inserted;
 * when two first marks race, the loser's insert fails on {@code pk_read_markers} and is run again as an update. No
 * lock is taken on {@code chat_threads}, which group commit locks to store messages: marking never waits for sends.
 *
 * <p><b>Unread counts when asked.</b> Nothing is written when a message is sent. The thread list's question is one
 * statement for all of a user's threads: per thread, both markers (primary-key probes) and the number of messages to
 * the user above the user's marker that are not deleted (a tombstone is nothing to read), counted over
 * {@code ix_messages_thread_id_id}'s range above the marker (its cost
 * grows with the unread messages of the thread, not with its history).
 */
final class HibernateReadMarkerRepository implements ReadMarkerRepository {

    private static final String TABLE = "read_markers";
    private static final int ATTEMPTS = 3;

    private static final String RAISE = """
            update read_markers set message_id = :upTo, updated_at = :at
            where thread_id = :thread and user_id = :reader and message_id < :upTo
            """;
    private static final String CURRENT =
            "select message_id from read_markers where thread_id = :thread and user_id = :reader";
    private static final String INSERT = """
            insert into read_markers (thread_id, user_id, message_id, updated_at)
            values (:thread, :reader, :upTo, :at)
            """;
    /** A thread's markers ({@code pk_read_markers}'s {@code thread_id} prefix), read with plain JDBC. */
    private static final String OF_THREAD = "select user_id, message_id from read_markers where thread_id = ?";
    static final String READING = reading("");
    /** {@link #READING} for H2, told the index (as {@link ThreadOrder#LATEST_ON_H2}, for the same reason). */
    static final String READING_ON_H2 = reading(" use index (ix_messages_thread_id_id)");

    private static String reading(String indexHint) {
        return """
                select t.id as thread_id, t.first_user_id as first_user, t.second_user_id as second_user,
                       (select r.message_id from read_markers r
                        where r.thread_id = t.id and r.user_id = t.first_user_id) as first_marker,
                       (select r.message_id from read_markers r
                        where r.thread_id = t.id and r.user_id = t.second_user_id) as second_marker,
                       (select count(*) from messages m%s
                        where m.thread_id = t.id and m.receiver_id = :user and m.deleted = false
                          and m.id > coalesce((select r.message_id from read_markers r
                                               where r.thread_id = t.id and r.user_id = :user), 0)) as unread
                from chat_threads t
                where t.first_user_id = :user or t.second_user_id = :user
                """.formatted(indexHint);
    }

    private final Transactions transactions;

    HibernateReadMarkerRepository(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public Advance advance(ThreadId thread, UserId reader, MessageId upTo, Instant at) {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(upTo, "upTo");
        Instant stamp = StoredInstants.toColumn(Objects.requireNonNull(at, "at"));
        for (int attempt = 1; ; attempt++) {
            try {
                return transactions.write(session -> advanceOnce(session, thread, reader, upTo, stamp));
            } catch (RuntimeException failure) {
                // Two first marks of one reader raced; the row exists now, so the next attempt updates it.
                if (attempt >= ATTEMPTS || !UniqueViolation.of(failure, TABLE)) {
                    throw failure;
                }
            }
        }
    }

    private static Advance advanceOnce(Session session, ThreadId thread, UserId reader, MessageId upTo, Instant at) {
        for (int round = 0; round < ATTEMPTS; round++) {
            int raised = session.createNativeMutationQuery(RAISE)
                    .setParameter("upTo", upTo.value())
                    .setParameter("at", at)
                    .setParameter("thread", thread.value())
                    .setParameter("reader", reader.value())
                    .executeUpdate();
            if (raised > 0) {
                return new Advance(upTo, true);
            }
            Optional<Long> current = session.createNativeQuery(CURRENT, Long.class)
                    .setParameter("thread", thread.value())
                    .setParameter("reader", reader.value())
                    .uniqueResultOptional();
            if (current.isEmpty()) {
                session.createNativeMutationQuery(INSERT)
                        .setParameter("thread", thread.value())
                        .setParameter("reader", reader.value())
                        .setParameter("upTo", upTo.value())
                        .setParameter("at", at)
                        .executeUpdate();
                return new Advance(upTo, true);
            }
            if (current.get() >= upTo.value()) {
                return new Advance(new MessageId(current.get()), false);
            }
            // A first marker below upTo was committed between the update and the read: raise it now.
        }
        throw new IllegalStateException("The read marker of " + reader + " in thread " + thread
                + " kept changing under " + ATTEMPTS + " attempts to raise it");
    }

    /** One statement, plain JDBC on the session's connection, each row mapped straight to a marker. */
    @Override
    public ReadState findIn(ThreadId thread) {
        Objects.requireNonNull(thread, "thread");
        long threadId = thread.value();
        return transactions.jdbc(connection -> {
            Map<UserId, MessageId> markers = new HashMap<>(4);
            try (PreparedStatement select = connection.prepareStatement(OF_THREAD)) {
                select.setLong(1, threadId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        markers.put(new UserId(rows.getObject(1, UUID.class)), new MessageId(rows.getLong(2)));
                    }
                }
            }
            return new ReadState(markers);
        });
    }

    @Override
    public Map<ThreadId, ThreadReading> findReadingOf(UserId user) {
        Objects.requireNonNull(user, "user");
        List<Object[]> rows = transactions.read(session -> {
            boolean onH2 = ((SharedSessionContractImplementor) session).getJdbcServices().getDialect()
                    instanceof H2Dialect;
            return session.createNativeQuery(onH2 ? READING_ON_H2 : READING, Object[].class)
                    .addScalar("thread_id", Long.class)
                    .addScalar("first_user", UUID.class)
                    .addScalar("second_user", UUID.class)
                    .addScalar("first_marker", Long.class)
                    .addScalar("second_marker", Long.class)
                    .addScalar("unread", Long.class)
                    .setParameter("user", user.value())
                    .getResultList();
        });
        Map<ThreadId, ThreadReading> reading = new HashMap<>(rows.size() * 2);
        for (Object[] row : rows) {
            Map<UserId, MessageId> markers = new HashMap<>(4);
            putMarker(markers, (UUID) row[1], (Long) row[3]);
            putMarker(markers, (UUID) row[2], (Long) row[4]);
            reading.put(new ThreadId((Long) row[0]), new ThreadReading(new ReadState(markers), (Long) row[5]));
        }
        return reading;
    }

    private static void putMarker(Map<UserId, MessageId> markers, UUID user, Long marker) {
        if (marker != null) {
            markers.put(new UserId(user), new MessageId(marker));
        }
    }
}
