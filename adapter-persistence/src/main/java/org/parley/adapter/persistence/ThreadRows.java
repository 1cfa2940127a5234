package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * Threads read from {@code chat_threads} with plain JDBC on the caller's connection and mapped straight to domain
 * threads, for the hot look-ups (a pair's thread on every message and page of a thread not cached, a thread by id).
 * Columns are read as {@link ChatThreadMapper} reads a {@link ChatThreadEntity}: the id as {@code BIGINT}, the
 * participants as UUIDs, {@code created_at} through {@link OffsetDateTime} (microseconds kept). A row whose
 * participants are not in canonical order is corrupt and fails here, as it does there.
 */
final class ThreadRows {

    /** The columns of a thread, in the order {@link #read} takes them, qualified by the alias {@code t}. */
    static final String COLUMNS_OF_T = "t.id, t.first_user_id, t.second_user_id, t.created_at";
    /** The thread of a pair ({@code uq_chat_threads_participants}). */
    static final String BY_PARTICIPANTS =
            "select " + COLUMNS_OF_T + " from chat_threads t where t.first_user_id = ? and t.second_user_id = ?";
    /** A thread by primary key ({@code pk_chat_threads}). */
    static final String BY_ID = "select " + COLUMNS_OF_T + " from chat_threads t where t.id = ?";

    private ThreadRows() {
    }

    /** The thread of this pair, if stored: one statement. */
    static Optional<ChatThread> findByParticipants(Connection connection, UUID first, UUID second)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_PARTICIPANTS)) {
            select.setObject(1, first);
            select.setObject(2, second);
            return one(select);
        }
    }

    /** The thread with this id, if stored: one statement. */
    static Optional<ChatThread> findById(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(BY_ID)) {
            select.setLong(1, id);
            return one(select);
        }
    }

    private static Optional<ChatThread> one(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(read(rows)) : Optional.empty();
        }
    }

    /** The thread at the cursor of {@code rows}, selected as {@link #COLUMNS_OF_T}. */
    static ChatThread read(ResultSet rows) throws SQLException {
        return new ChatThread(
                new ThreadId(rows.getLong(1)),
                new Participants(new UserId(rows.getObject(2, UUID.class)), new UserId(rows.getObject(3, UUID.class))),
                rows.getObject(4, OffsetDateTime.class).toInstant());
    }
}
