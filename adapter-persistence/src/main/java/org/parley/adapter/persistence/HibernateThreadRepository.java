package org.parley.adapter.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * {@link ThreadRepository} on the {@code chat_threads} table. "One thread per pair" rests on the unique constraint
 * over the canonical pair, so it holds for any number of servers sharing the database.
 */
final class HibernateThreadRepository implements ThreadRepository {

    static final String PAIR_CONSTRAINT = "uq_chat_threads_participants";

    /**
     * Every thread of a user with its latest message (the one with the greatest id in the thread, ids growing with
     * time), in one statement: most recent activity first, threads without messages last, newest first among those.
     */
    private static final String ACTIVITY = """
            select t, m
            from ChatThreadEntity t
            left join MessageEntity m
                on m.id = (select max(latest.id) from MessageEntity latest where latest.threadId = t.id)
            where t.firstUserId = :user or t.secondUserId = :user
            order by m.id desc nulls last, t.id desc
            """;

    private final Transactions transactions;
    private final SequenceIds ids;

    /** @param ids the ids of new threads ({@link SequenceIds#THREADS} on this database) */
    HibernateThreadRepository(Transactions transactions, SequenceIds ids) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /**
     * Looks the pair up; if absent, inserts it in a transaction of its own (plain JDBC, {@link ThreadRows#insert}: the
     * sequence's next value and one insert, the row as Hibernate's mapping of {@link ChatThreadEntity} would write it).
     * When a concurrent call (here or in another server) inserted the pair first, the insert fails on the unique
     * constraint, is rolled back, and the winner's thread, committed by then, is read and returned.
     *
     * <p>Plain JDBC because a pair's first message creates its thread, and a server just restarted under a reconnect
     * storm creates many at once while its code is still interpreted: Hibernate's persist, flush and commit of one
     * entity were three quarters of that message's samples (docs/PERFORMANCE.md, "Restart storm: where a cold server's
     * CPU goes").
     */
    @Override
    public ChatThread getOrCreate(Participants participants, Instant now) {
        Objects.requireNonNull(participants, "participants");
        Objects.requireNonNull(now, "now");
        Optional<ChatThread> existing = findByParticipants(participants);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return transactions.jdbc(connection -> ThreadRows.insert(connection, ids, participants, now));
        } catch (RuntimeException failure) {
            if (!UniqueViolation.of(failure, PAIR_CONSTRAINT)) {
                throw failure;
            }
            return findByParticipants(participants).orElseThrow(() -> new IllegalStateException(
                    "The thread of " + participants + " was created concurrently but cannot be read", failure));
        }
    }

    /** One select by the pair's unique index, plain JDBC mapped straight to the thread ({@link ThreadRows}). */
    @Override
    public Optional<ChatThread> findByParticipants(Participants participants) {
        Objects.requireNonNull(participants, "participants");
        UUID first = participants.first().value();
        UUID second = participants.second().value();
        return transactions.jdbc(connection -> ThreadRows.findByParticipants(connection, first, second));
    }

    /** One primary-key select, plain JDBC mapped straight to the thread ({@link ThreadRows}). */
    @Override
    public Optional<ChatThread> findById(ThreadId id) {
        Objects.requireNonNull(id, "id");
        long key = id.value();
        return transactions.jdbc(connection -> ThreadRows.findById(connection, key));
    }

    @Override
    public List<ThreadActivity> findActivityOf(UserId user) {
        Objects.requireNonNull(user, "user");
        List<Object[]> rows = transactions.read(session -> session
                .createSelectionQuery(ACTIVITY, Object[].class)
                .setParameter("user", user.value())
                .getResultList());
        return rows.stream()
                .map(row -> new ThreadActivity(
                        ChatThreadMapper.toDomain((ChatThreadEntity) row[0]),
                        Optional.ofNullable((MessageEntity) row[1]).map(MessageMapper::toDomain)))
                .toList();
    }
}
