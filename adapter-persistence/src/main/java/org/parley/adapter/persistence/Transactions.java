package org.parley.adapter.persistence;

import java.util.Objects;
import java.util.function.Function;

import org.hibernate.FlushMode;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.hibernate.jdbc.ReturningWork;

/**
 * Runs one unit of work in its own session and transaction: open, begin, commit (or roll back on any failure),
 * close. Every repository method is exactly one such unit; no entity outlives it. Every unit runs through
 * {@link DatabaseAvailability}: when the database cannot be reached it fails with
 * {@link org.parley.application.error.Unavailable} (at once while an outage is known), never with a Hibernate or JDBC
 * exception.
 */
final class Transactions {

    private final SessionFactory sessionFactory;
    private final DatabaseAvailability availability;

    Transactions(SessionFactory sessionFactory, DatabaseAvailability availability) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        this.availability = Objects.requireNonNull(availability, "availability");
    }

    /** Runs {@code work} in a transaction that may write; changes are flushed and committed before this returns. */
    <T> T write(Function<Session, T> work) {
        return run(work, false);
    }

    /** Runs {@code work} in a transaction that only reads: entities are loaded read-only and nothing is flushed. */
    <T> T read(Function<Session, T> work) {
        return run(work, true);
    }

    /**
     * Runs {@code work} in a stateless session's transaction: no persistence context, no load events, no dirty
     * checking. Each insert goes straight to JDBC (in batches when a batch size is set) and a single-row read costs
     * little more than its SQL. For the hot paths: bulk writes of rows nobody reads back here (group commit), and the
     * plain JDBC reads ({@link #jdbc}).
     */
    <T> T stateless(Function<StatelessSession, T> work) {
        return stateless(1, work);
    }

    /**
     * Runs {@code work} as plain JDBC on the connection of a stateless session, in its transaction (begun before,
     * committed after, rolled back on any failure), through {@link DatabaseAvailability} like every unit of work. For
     * the hot single-row and page reads: prepared statements with one SQL text each, rows mapped straight to domain
     * values, no query plan, entity or persistence context between them. An {@link java.sql.SQLException} leaves as
     * Hibernate's {@link org.hibernate.JDBCException} (converted as for Hibernate's own statements), so failures look
     * as they do from the other units of work, and an unreachable database as {@code Unavailable}.
     */
    <T> T jdbc(ReturningWork<T> work) {
        return stateless(session -> session.doReturningWork(work));
    }

    /**
     * As {@link #stateless(Function)}, for a unit of work done on behalf of {@code requests} requests (a batch of
     * messages): during an outage, each counts as one refusal.
     */
    <T> T stateless(int requests, Function<StatelessSession, T> work) {
        return availability.guard(requests, () -> {
            try (StatelessSession session = sessionFactory.openStatelessSession()) {
                return inTransaction(session, work);
            }
        });
    }

    private <T> T run(Function<Session, T> work, boolean readOnly) {
        return availability.guard(1, () -> {
            try (Session session = sessionFactory.openSession()) {
                if (readOnly) {
                    session.setDefaultReadOnly(true);
                    session.setHibernateFlushMode(FlushMode.MANUAL);
                }
                return inTransaction(session, work);
            }
        });
    }

    /** Begins, runs {@code work}, commits; rolls back on any failure. */
    private static <S extends SharedSessionContract, T> T inTransaction(S session, Function<S, T> work) {
        Transaction transaction = session.beginTransaction();
        try {
            T result = work.apply(session);
            transaction.commit();
            return result;
        } catch (RuntimeException | Error failure) {
            rollBack(transaction, failure);
            throw failure;
        }
    }

    private static void rollBack(Transaction transaction, Throwable failure) {
        try {
            if (transaction.isActive()) {
                transaction.rollback();
            }
        } catch (RuntimeException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }
}
