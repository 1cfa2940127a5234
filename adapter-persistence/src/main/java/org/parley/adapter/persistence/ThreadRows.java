package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * Threads read from {@code chat_threads} with plain JDBC on the caller's connection and mapped straight to domain
 * threads, for the hot look-ups (a pair's thread on every message and page of a thread not cached, a thread by id),
 * and a new thread written the same way ({@link #insert}).
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

    /** A new thread's row ({@code pk_chat_threads}, {@code uq_chat_threads_participants}). */
    static final String INSERT =
            "insert into chat_threads (id, first_user_id, second_user_id, created_at) values (?, ?, ?, ?)";

    private ThreadRows() {
    }

    /**
     * Stores a new thread of {@code participants} created at {@code createdAt} (kept to microseconds, as
     * {@link StoredInstants#toColumn} keeps every stored instant) in the connection's transaction: two statements, an
     * id from {@code ids} ({@link SequenceIds#THREADS}: one value, as {@link ChatThreadEntity#ID_ALLOCATION_SIZE} says)
     * and the insert. A pair that already has a thread fails on {@code uq_chat_threads_participants}.
     *
     * @return the thread as it was stored, equal to what {@link #findById} reads back
     * @throws SQLException as the connection reports it (the caller's session converts it, a unique violation
     *                      included)
     */
    static ChatThread insert(Connection connection, SequenceIds ids, Participants participants, Instant createdAt)
            throws SQLException {
        Instant stored = StoredInstants.toColumn(Objects.requireNonNull(createdAt, "createdAt"));
        long id = ids.next(connection, 1).get(0);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setLong(1, id);
            insert.setObject(2, participants.first().value());
            insert.setObject(3, participants.second().value());
            insert.setObject(4, stored.atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
        return new ChatThread(new ThreadId(id), participants, stored);
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
