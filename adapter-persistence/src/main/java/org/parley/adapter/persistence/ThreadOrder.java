package org.parley.adapter.persistence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

import org.hibernate.StatelessSession;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
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
 * <p>The rows are locked in ascending id order, in one statement ({@code ORDER BY id FOR UPDATE}: PostgreSQL locks the
 * rows as they leave the sort), so two batches sharing several threads take their locks in the same order and cannot
 * deadlock. Under the same locks a second statement reads each thread's latest message id: no other batch can store in
 * those threads until this one commits, so each stored message's {@link ThreadPosition} is exact. It must be a second
 * statement: under READ COMMITTED each statement reads the data committed when it starts, and the lock statement may
 * have started before the batch it waited for committed.
 */
final class ThreadOrder {

    private static final String LOCK = "select id from chat_threads where id in (:threads) order by id for update";
    /**
     * One backward probe of {@code ix_messages_thread_id_id} per thread, found by its primary key. Written as an
     * ordering on the index's columns rather than {@code max(m.id)}: PostgreSQL reads both as one backward index probe,
     * but H2 (2.5.252) evaluates the {@code max} by reading every row of the thread, which made each batch's cost grow
     * with its threads' history.
     */
    static final String LATEST = latest("");
    /**
     * {@link #LATEST} for H2, which must be told the index: its planner otherwise takes the foreign key's index on
     * {@code thread_id} alone (it does on a new database), then reads and sorts every row of the thread ({@code index
     * sorted: 1 of 2 columns} in its plan). {@code USE INDEX} is H2's own syntax (H2's grammar, "Table Expression").
     */
    static final String LATEST_ON_H2 = latest(" use index (ix_messages_thread_id_id)");

    private static String latest(String indexHint) {
        return """
                select t.id as thread_id,
                       (select m.id from messages m%s where m.thread_id = t.id
                        order by m.thread_id desc, m.id desc fetch first 1 rows only) as latest_id
                from chat_threads t
                where t.id in (:threads)
                """.formatted(indexHint);
    }

    private ThreadOrder() {
    }

    /**
     * Locks the threads, in the caller's transaction until it ends, and returns the position the next message of each
     * takes: after its latest message, or first.
     *
     * @throws IllegalArgumentException when a thread does not exist (nothing can be stored in it)
     */
    static Map<ThreadId, ThreadPosition> lockForAppending(StatelessSession session, List<ThreadId> threads) {
        Objects.requireNonNull(session, "session");
        SortedSet<Long> ids = new TreeSet<>();
        threads.forEach(thread -> ids.add(thread.value()));
        List<Long> locked = session.createNativeQuery(LOCK, Long.class)
                .setParameterList("threads", ids)
                .getResultList();
        if (locked.size() != ids.size()) {
            SortedSet<Long> missing = new TreeSet<>(ids);
            missing.removeAll(locked);
            throw new IllegalArgumentException("No thread " + missing + " to store messages in");
        }
        boolean onH2 = ((SharedSessionContractImplementor) session).getJdbcServices().getDialect() instanceof H2Dialect;
        List<Object[]> latest = session.createNativeQuery(onH2 ? LATEST_ON_H2 : LATEST, Object[].class)
                .addScalar("thread_id", Long.class)
                .addScalar("latest_id", Long.class)
                .setParameterList("threads", ids)
                .getResultList();
        Map<ThreadId, ThreadPosition> next = new HashMap<>();
        for (Object[] row : latest) {
            Long latestId = (Long) row[1];
            next.put(new ThreadId((Long) row[0]),
                    latestId == null ? ThreadPosition.first() : ThreadPosition.after(new MessageId(latestId)));
        }
        return next;
    }
}
