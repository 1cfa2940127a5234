package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.dialect.PostgreSQLDialect;

/**
 * Takes ids from one sequence, any number in one statement: one sequence value per row of a generated series, in
 * ascending order. A batch of messages ({@link #MESSAGES}) therefore costs one round trip for its ids whatever its
 * size, and its ids still come from the shared sequence, so they grow with the time at which messages are stored even
 * when several servers share the database (which blocks of ids cached per server would break, see docs/storage.md);
 * a new thread ({@link #THREADS}) takes one. The statement is plain JDBC on the caller's connection, with the count as
 * its one parameter: one SQL text whatever the count.
 */
final class SequenceIds {

    /** The sequence of message ids. */
    static final String MESSAGES = "messages_id_seq";
    /** The sequence of thread ids. */
    static final String THREADS = "chat_threads_id_seq";

    /** The message ids' statement on PostgreSQL (its one parameter: how many). */
    static final String MESSAGE_IDS_ON_POSTGRESQL = "select nextval('" + MESSAGES + "') from generate_series(1, ?)";

    private final String nextIdsSql;

    private SequenceIds(String nextIdsSql) {
        this.nextIdsSql = nextIdsSql;
    }

    /**
     * @param sequence {@link #MESSAGES} or {@link #THREADS}
     * @throws IllegalStateException for a database other than H2 and PostgreSQL (and compatible, such as those
     *                               Hibernate's PostgreSQL dialect serves)
     */
    static SequenceIds forDialect(Dialect dialect, String sequence) {
        Objects.requireNonNull(dialect, "dialect");
        if (!MESSAGES.equals(sequence) && !THREADS.equals(sequence)) {
            throw new IllegalArgumentException("No sequence " + sequence + " in Parley's schema");
        }
        if (dialect instanceof PostgreSQLDialect) {
            return new SequenceIds(MESSAGES.equals(sequence) ? MESSAGE_IDS_ON_POSTGRESQL
                    : "select nextval('" + sequence + "') from generate_series(1, ?)");
        }
        if (dialect instanceof H2Dialect) {
            return new SequenceIds("select next value for " + sequence + " from system_range(1, ?)");
        }
        throw new IllegalStateException("Parley stores its data on H2 or PostgreSQL, not on "
                + dialect.getClass().getSimpleName());
    }

    /** The statement, as prepared (tests compare what was prepared). */
    String sql() {
        return nextIdsSql;
    }

    /**
     * {@code count} new ids, ascending, in the connection's transaction.
     *
     * @throws SQLException as the connection reports it (the caller's session converts it)
     */
    List<Long> next(Connection connection, int count) throws SQLException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        List<Long> ids = new ArrayList<>(count);
        try (PreparedStatement next = connection.prepareStatement(nextIdsSql)) {
            next.setInt(1, count);
            try (ResultSet rows = next.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
        }
        return checked(ids, count);
    }

    /**
     * {@code drawn}, sorted ascending, once it is known to hold {@code count} ids.
     *
     * @throws IllegalStateException when it holds another number
     */
    static List<Long> checked(List<Long> drawn, int count) {
        if (drawn.size() != count) {
            throw new IllegalStateException("Asked the sequence for " + count + " ids, got " + drawn.size());
        }
        drawn.sort(null);
        return drawn;
    }
}
