package org.parley.adapter.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.parley.application.port.out.ThreadPosition;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;

/**
 * Serializes the stores of each thread, on any number of servers sharing the database, so that within a thread ids
 * follow commit order: a batch locks the rows of its threads ({@code chat_threads}) before it draws its ids, and holds
 * the locks until it commits. A batch of another server that stores in one of those threads waits for that commit, and
 * only then draws its ids, which are therefore larger than every id committed in the thread before it. So a reader who
 * has seen message N of a thread can never later find a smaller id committed there (see docs/storage.md, "Message
 * ids").
 *
 * <p>The rows are locked in ascending id order, in one statement ({@code ORDER BY id FOR NO KEY UPDATE}: PostgreSQL locks the
 * rows as they leave the sort), so two batches sharing several threads take their locks in the same order and cannot
 * deadlock. Under the same locks a second statement reads each thread's latest message id: no other batch can store in
 * those threads until this one commits, so each stored message's {@link ThreadPosition} is exact. It must be a second
 * statement: under READ COMMITTED each statement reads the data committed when it starts, and the lock statement may
 * have started before the batch it waited for committed.
 *
 * <p>Both statements are plain JDBC on the caller's connection, and take the batch's thread ids as one {@code BIGINT}
 * array parameter ({@code id = ANY(?)}): one SQL text whatever the number of threads, so the database and the driver
 * prepare each once, and no ORM query plan is resolved per batch (issue 16: resolving Hibernate's native queries, whose
 * IN-lists gave every number of threads a new text, cost more than the statements themselves). Both databases serve
 * {@code = ANY(?)} from the primary key, as they did the IN-list (ThreadOrderPlanOnH2Test, QueryPlansOnPostgresTest).
 */
final class ThreadOrder {

    /**
     * The lock statement (PostgreSQL); its one parameter is the array of thread ids. {@code FOR NO KEY UPDATE}, the
     * lock an update of non-key columns takes: it conflicts with itself, so batches of one thread are serialized as
     * with {@code FOR UPDATE}, but not with the {@code FOR KEY SHARE} a foreign-key check takes on the thread's row
     * (a reader's first read marker, {@code fk_read_markers_thread}), which {@code FOR UPDATE} made wait for the
     * batch's commit (HibernateReadMarkerRepository: marking never waits for sends).
     */
    static final String LOCK = "select id from chat_threads where id = any(?) order by id for no key update";
    /**
     * {@link #LOCK} for H2 (which has no {@code FOR NO KEY UPDATE}, and whose foreign-key checks take no lock on the
     * referenced row), as an update that changes nothing: H2 (2.5.252) never keeps a {@code SELECT ... FOR UPDATE}
     * in its session's statement cache ({@code Select.isCacheable}), so the lock was parsed and planned again for every
     * batch (10.6 % of the writer thread's CPU samples while it stored batches); an update is cached. It locks the same
     * rows the same way (H2 locks each row before updating it, {@code Update.lockAndRecheckCondition}, waiting for
     * another transaction's lock as {@code FOR UPDATE} does), in ascending id order (H2 sorts an {@code = ANY} list
     * before probing the index, {@code IndexCondition.getCurrentValueList}), counts every row it matched (a plain
     * {@code UPDATE} counts unchanged rows too), and writes no index entry (H2 skips the indexes whose columns did not
     * change, {@code MVTable.updateRows}). See docs/storage.md, "What a commit costs on H2".
     */
    static final String LOCK_ON_H2 = "update chat_threads set created_at = created_at where id = any(?)";
    /** Which of the batch's threads exist: read only when the lock found fewer than asked (a missing thread). */
    private static final String EXISTING = "select id from chat_threads where id = any(?)";
    /**
     * One backward probe of {@code ix_messages_thread_id_id} per thread, found by its primary key. Written as an
     * ordering on the index's columns rather than {@code max(m.id)}: PostgreSQL reads both as one backward index probe,
     * but H2 (2.5.252) evaluates the {@code max} by reading every row of the thread, which made each batch's cost grow
     * with its threads' history. Its one parameter is the array of thread ids.
     */
    static final String LATEST = latest("");
    /**
     * {@link #LATEST} for H2, which must be told the index: its planner otherwise takes the foreign key's index on
     * {@code thread_id} alone (it does on a new database), then reads and sorts every row of the thread ({@code index
     * sorted: 1 of 2 columns} in its plan). {@code USE INDEX} is H2's own syntax (H2's grammar, "Table Expression").
     */
    static final String LATEST_ON_H2 = latest(" use index (ix_messages_thread_id_id)");

    /**
     * {@link #LOCK}, {@link #LATEST} and the message ids' statement ({@link SequenceIds}) as one text, for PostgreSQL:
     * the driver sends the three statements in one round trip instead of three, and the server runs them one after
     * the other, each reading what was committed when it starts (READ COMMITTED), so the latest ids are still read
     * under the locks the first statement took, as when they are sent one by one. Its parameters: the thread ids
     * (twice), then the number of ids.
     */
    static final String LOCK_LATEST_AND_IDS = LOCK + ";\n" + LATEST + ";\n" + SequenceIds.MESSAGE_IDS_ON_POSTGRESQL;

    private final String lockSql;
    /** Whether {@link #lockSql} is an update (counted rows) rather than a select (rows read). */
    private final boolean lockIsAnUpdate;
    private final String latestSql;
    /** {@link #LOCK_LATEST_AND_IDS} on PostgreSQL; null where the statements go one by one (H2, in process). */
    private final String lockLatestAndIdsSql;

    private ThreadOrder(String lockSql, boolean lockIsAnUpdate, String latestSql, String lockLatestAndIdsSql) {
        this.lockSql = lockSql;
        this.lockIsAnUpdate = lockIsAnUpdate;
        this.latestSql = latestSql;
        this.lockLatestAndIdsSql = lockLatestAndIdsSql;
    }

    private static String latest(String indexHint) {
        return """
                select t.id as thread_id,
                       (select m.id from messages m%s where m.thread_id = t.id
                        order by m.thread_id desc, m.id desc fetch first 1 rows only) as latest_id
                from chat_threads t
                where t.id = any(?)
                """.formatted(indexHint);
    }

    /**
     * {@link #LOCK_ON_H2} and {@link #LATEST_ON_H2} on H2; {@link #LOCK} and {@link #LATEST} on any other database,
     * and on PostgreSQL {@link #LOCK_LATEST_AND_IDS} for {@link #lockForAppendingDrawingIds}.
     */
    static ThreadOrder forDialect(Dialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        if (dialect instanceof H2Dialect) {
            return new ThreadOrder(LOCK_ON_H2, true, LATEST_ON_H2, null);
        }
        return new ThreadOrder(LOCK, false, LATEST, dialect instanceof PostgreSQLDialect ? LOCK_LATEST_AND_IDS : null);
    }

    /** The positions a batch's messages take in their threads, and the ids drawn for them. */
    record Opening(Map<ThreadId, ThreadPosition> next, List<Long> ids) {
    }

    /**
     * {@link #lockForAppending}, then {@code count} new message ids from {@code ids} (ascending): on PostgreSQL in one
     * round trip ({@link #LOCK_LATEST_AND_IDS}), elsewhere one statement after the other.
     *
     * @throws IllegalArgumentException when a thread does not exist (nothing can be stored in it; ids drawn meanwhile
     *                                  are not used)
     * @throws SQLException             as the connection reports it (the caller's session converts it)
     */
    Opening lockForAppendingDrawingIds(Connection connection, List<ThreadId> threads, SequenceIds ids, int count)
            throws SQLException {
        Objects.requireNonNull(connection, "connection");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (lockLatestAndIdsSql == null || !ids.sql().equals(SequenceIds.MESSAGE_IDS_ON_POSTGRESQL)) {
            Map<ThreadId, ThreadPosition> next = lockForAppending(connection, threads);
            return new Opening(next, ids.next(connection, count));
        }
        SortedSet<Long> wanted = sortedIds(threads);
        Array threadIds = connection.createArrayOf("bigint", wanted.toArray());
        try (PreparedStatement together = connection.prepareStatement(lockLatestAndIdsSql)) {
            together.setArray(1, threadIds);
            together.setArray(2, threadIds);
            together.setInt(3, count);
            if (!together.execute()) {
                throw new IllegalStateException("The lock statement answered no rows");
            }
            int locked = 0;
            try (ResultSet rows = together.getResultSet()) {
                while (rows.next()) {
                    locked++;
                }
            }
            Map<ThreadId, ThreadPosition> next = new HashMap<>();
            nextResult(together, "latest ids");
            try (ResultSet rows = together.getResultSet()) {
                readPositions(rows, next);
            }
            nextResult(together, "new ids");
            List<Long> drawn = new ArrayList<>(count);
            try (ResultSet rows = together.getResultSet()) {
                while (rows.next()) {
                    drawn.add(rows.getLong(1));
                }
            }
            if (locked != wanted.size()) {
                refuseMissing(connection, wanted, threadIds);
            }
            return new Opening(next, SequenceIds.checked(drawn, count));
        } finally {
            threadIds.free();
        }
    }

    private static void nextResult(PreparedStatement statement, String what) throws SQLException {
        if (!statement.getMoreResults()) {
            throw new IllegalStateException("The statement answered no " + what);
        }
    }

    /** The statement that locks a batch's threads on this database: {@link #LOCK_ON_H2} on H2, else {@link #LOCK}. */
    String lockStatement() {
        return lockSql;
    }

    /**
     * Locks the threads, in the connection's transaction until it ends, and returns the position the next message of
     * each takes: after its latest message, or first.
     *
     * @throws IllegalArgumentException when a thread does not exist (nothing can be stored in it)
     * @throws SQLException             as the connection reports it (the caller's session converts it)
     */
    Map<ThreadId, ThreadPosition> lockForAppending(Connection connection, List<ThreadId> threads) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        SortedSet<Long> ids = sortedIds(threads);
        Array threadIds = connection.createArrayOf("bigint", ids.toArray());
        try {
            int locked = lockIsAnUpdate
                    ? updated(connection, lockSql, threadIds) : ids(connection, lockSql, threadIds).size();
            if (locked != ids.size()) {
                refuseMissing(connection, ids, threadIds);
            }
            Map<ThreadId, ThreadPosition> next = new HashMap<>();
            try (PreparedStatement latest = connection.prepareStatement(latestSql)) {
                latest.setArray(1, threadIds);
                try (ResultSet rows = latest.executeQuery()) {
                    readPositions(rows, next);
                }
            }
            return next;
        } finally {
            threadIds.free();
        }
    }

    private static SortedSet<Long> sortedIds(List<ThreadId> threads) {
        SortedSet<Long> ids = new TreeSet<>();
        threads.forEach(thread -> ids.add(thread.value()));
        return ids;
    }

    /** Each thread's next position, from {@link #LATEST}'s rows (thread id, latest message id or null). */
    private static void readPositions(ResultSet rows, Map<ThreadId, ThreadPosition> next) throws SQLException {
        while (rows.next()) {
            long thread = rows.getLong(1);
            long latestId = rows.getLong(2);
            next.put(new ThreadId(thread), rows.wasNull()
                    ? ThreadPosition.first() : ThreadPosition.after(new MessageId(latestId)));
        }
    }

    /** Names the threads of {@code wanted} that do not exist. */
    private static void refuseMissing(Connection connection, SortedSet<Long> wanted, Array threadIds)
            throws SQLException {
        SortedSet<Long> missing = new TreeSet<>(wanted);
        missing.removeAll(ids(connection, EXISTING, threadIds));
        throw new IllegalArgumentException("No thread " + missing + " to store messages in");
    }

    private static SortedSet<Long> ids(Connection connection, String sql, Array threadIds) throws SQLException {
        SortedSet<Long> found = new TreeSet<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setArray(1, threadIds);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getLong(1));
                }
            }
        }
        return found;
    }

    private static int updated(Connection connection, String sql, Array threadIds) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            update.setArray(1, threadIds);
            return update.executeUpdate();
        }
    }
}
