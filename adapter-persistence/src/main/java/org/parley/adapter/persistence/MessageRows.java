package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rows of {@code messages} written and read with plain JDBC on the caller's connection, for group commit's write path
 * (issue 16: Hibernate's per-row binding of {@code StatelessSession.insert} cost more than the inserts) and for the
 * pages of a thread (history, catch-up, files: {@link #page}). A row is a
 * {@link MessageEntity} built by {@link MessageMapper}, bound column by column as Hibernate binds that entity: ids and
 * sizes as {@code BIGINT}, UUIDs as objects, the type code and texts as strings, NULL content columns with their types,
 * and the instants, already truncated to microseconds, as {@link OffsetDateTime}s at UTC for the
 * {@code TIMESTAMP(6) WITH TIME ZONE} columns. {@code edited} and {@code deleted} are left to their default,
 * {@code FALSE}, as the entity's mapping leaves them. So a row written here is read back by Hibernate exactly as one
 * Hibernate wrote (HibernateMessageRepositoryTest.rowsOfABatchAreTheRowsHibernateWritesAndReadBackEqual).
 */
final class MessageRows {

    /** Every column of a row, in the order {@link #read} takes them, qualified by the alias {@code m}. */
    static final String COLUMNS_OF_M = "m.id, m.thread_id, m.sender_id, m.receiver_id, m.message_type, m.body, "
            + "m.storage_key, m.file_name, m.size_bytes, m.content_type, m.attached_profile_id, m.client_msg_id, "
            + "m.created_at, m.updated_at, m.edited, m.deleted";
    /** The insert of one row; the same text for every row and batch. */
    static final String INSERT = "insert into messages (id, thread_id, sender_id, receiver_id, message_type, body, "
            + "storage_key, file_name, size_bytes, content_type, attached_profile_id, client_msg_id, created_at, "
            + "updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The bits of a page's shape: which of {@link #PAGES} serves it ({@link #pageIndex}). */
    private static final int FILES_ONLY = 8;
    private static final int AFTER = 4;
    private static final int BEFORE = 2;
    private static final int NEWEST_FIRST = 1;

    /**
     * The page statements, one SQL text per shape of page ({@link #pageIndex}), so each is prepared from the same few
     * texts: the messages of a thread ({@code ix_messages_thread_id_id}'s range), optionally only its files that are
     * not deleted, above and/or below an id, oldest or newest first, at most {@code ?} rows.
     */
    private static final String[] PAGES = new String[16];

    static {
        for (int index = 0; index < PAGES.length; index++) {
            PAGES[index] = "select " + COLUMNS_OF_M + " from messages m where m.thread_id = ?"
                    + ((index & FILES_ONLY) != 0 ? " and m.message_type = ? and m.deleted = false" : "")
                    + ((index & AFTER) != 0 ? " and m.id > ?" : "")
                    + ((index & BEFORE) != 0 ? " and m.id < ?" : "")
                    + ((index & NEWEST_FIRST) != 0 ? " order by m.id desc" : " order by m.id asc")
                    + " fetch first ? rows only";
        }
    }

    private MessageRows() {
    }

    /**
     * One page of a thread's messages, with one statement: those of {@code threadId} of type {@code onlyType} (a
     * {@link MessageTypeCodes} code, and then not deleted; {@code null} for every message), with an id above
     * {@code after} and below {@code before} (each {@code null} for no bound), the {@code limit} first from the end
     * {@code newestFirst} names, in that order.
     */
    static List<MessageEntity> page(Connection connection, long threadId, String onlyType, Long after, Long before,
                                    boolean newestFirst, int limit) throws SQLException {
        String sql = PAGES[pageIndex(onlyType != null, after != null, before != null, newestFirst)];
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int parameter = 1;
            select.setLong(parameter++, threadId);
            if (onlyType != null) {
                select.setString(parameter++, onlyType);
            }
            if (after != null) {
                select.setLong(parameter++, after);
            }
            if (before != null) {
                select.setLong(parameter++, before);
            }
            select.setInt(parameter, limit);
            List<MessageEntity> page = new ArrayList<>(Math.min(limit, 256));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    page.add(read(rows));
                }
            }
            return page;
        }
    }

    /**
     * The messages of every thread with an id above {@code afterId} and at most {@code upToId}, the {@code limit}
     * lowest, lowest first: one range scan of the primary key.
     */
    static List<MessageEntity> between(Connection connection, long afterId, long upToId, int limit)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select " + COLUMNS_OF_M
                + " from messages m where m.id > ? and m.id <= ? order by m.id asc fetch first ? rows only")) {
            select.setLong(1, afterId);
            select.setLong(2, upToId);
            select.setInt(3, limit);
            List<MessageEntity> found = new ArrayList<>(Math.min(limit, 256));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(read(rows));
                }
            }
            return found;
        }
    }

    /** Which of {@link #PAGES} serves a page of this shape. */
    private static int pageIndex(boolean filesOnly, boolean after, boolean before, boolean newestFirst) {
        return (filesOnly ? FILES_ONLY : 0) | (after ? AFTER : 0) | (before ? BEFORE : 0)
                | (newestFirst ? NEWEST_FIRST : 0);
    }

    /**
     * Inserts the rows with one prepared statement, executed as a JDBC batch every {@code batchSize} rows (and once
     * more for the rest); nothing when {@code rows} is empty.
     *
     * @throws SQLException as the driver reports it; a violated constraint of a batch surfaces as a
     *                      {@link java.sql.BatchUpdateException} carrying the database's SQL state and message
     */
    static void insert(Connection connection, List<MessageEntity> rows, int batchSize) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            int pending = 0;
            for (MessageEntity row : rows) {
                insert.setLong(1, row.id);
                insert.setLong(2, row.threadId);
                insert.setObject(3, row.senderId);
                insert.setObject(4, row.receiverId);
                insert.setString(5, row.messageType);
                setString(insert, 6, row.body);
                setString(insert, 7, row.storageKey);
                setString(insert, 8, row.fileName);
                if (row.sizeBytes == null) {
                    insert.setNull(9, Types.BIGINT);
                } else {
                    insert.setLong(9, row.sizeBytes);
                }
                setString(insert, 10, row.contentType);
                if (row.attachedProfileId == null) {
                    insert.setNull(11, Types.OTHER);
                } else {
                    insert.setObject(11, row.attachedProfileId);
                }
                setString(insert, 12, row.clientMsgId);
                insert.setObject(13, row.createdAt.atOffset(ZoneOffset.UTC));
                insert.setObject(14, row.updatedAt.atOffset(ZoneOffset.UTC));
                insert.addBatch();
                if (++pending == batchSize) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
    }

    /** The row at the cursor of {@code rows}, selected as {@link #COLUMNS_OF_M}. */
    static MessageEntity read(ResultSet rows) throws SQLException {
        MessageEntity entity = new MessageEntity();
        entity.id = rows.getLong(1);
        entity.threadId = rows.getLong(2);
        entity.senderId = rows.getObject(3, UUID.class);
        entity.receiverId = rows.getObject(4, UUID.class);
        entity.messageType = rows.getString(5);
        entity.body = rows.getString(6);
        entity.storageKey = rows.getString(7);
        entity.fileName = rows.getString(8);
        long sizeBytes = rows.getLong(9);
        entity.sizeBytes = rows.wasNull() ? null : sizeBytes;
        entity.contentType = rows.getString(10);
        entity.attachedProfileId = rows.getObject(11, UUID.class);
        entity.clientMsgId = rows.getString(12);
        entity.createdAt = rows.getObject(13, OffsetDateTime.class).toInstant();
        entity.updatedAt = rows.getObject(14, OffsetDateTime.class).toInstant();
        entity.edited = rows.getBoolean(15);
        entity.deleted = rows.getBoolean(16);
        return entity;
    }

    private static void setString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
