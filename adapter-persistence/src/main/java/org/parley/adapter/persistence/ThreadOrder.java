package org.parley.adapter.persistence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

import org.hibernate.StatelessSession;
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
    /** One backward probe of {@code ix_messages_thread_id_id} per thread, found by its primary key. */
    private static final String LATEST = """
            select t.id as thread_id, (select max(m.id) from messages m where m.thread_id = t.id) as latest_id
            from chat_threads t
            where t.id in (:threads)
            """;

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
        List<Object[]> latest = session.createNativeQuery(LATEST, Object[].class)
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
