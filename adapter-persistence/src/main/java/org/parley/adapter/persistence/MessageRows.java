package org.parley.adapter.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
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

    /**
     * The insert of a whole batch on PostgreSQL, whose ids the statement draws itself, so that it can go in one text
     * with the statements before it ({@link ThreadOrder#LOCK_LATEST_AND_INSERT}): {@code drawn} takes
     * {@code nextval('messages_id_seq')} once per row number {@code n}, in ascending order (materialized, so each value
     * is drawn exactly once), and row {@code n} of the batch, read from one array per column ({@code unnest ... WITH
     * ORDINALITY}), takes the {@code n}-th id: the ids grow with the rows' order in the batch, whatever order the rows
     * are inserted or returned in. A row whose thread does not exist is left out rather than failing the statement (the
     * join on {@code chat_threads}), so the caller can name the thread (fewer ids returned than rows). The instants
     * travel as microseconds since the epoch ({@code BIGINT}), added to the epoch as whole seconds and the microseconds
     * left (PostgreSQL multiplies an interval in double precision: the microseconds whole would lose their last digits
     * after the year 2255, while seconds times the 10<sup>6</sup> microseconds of a second stay exact until about the
     * year 20000; the column ends at 294276). Parameters: the number of rows, then one array per column of
     * {@link #INSERT} after the id ({@link #bindBatch}). Returns the ids drawn, one row each.
     */
    static final String INSERT_DRAWING_IDS_ON_POSTGRESQL = """
            with drawn as materialized (
                select nextval('messages_id_seq') as id, n from generate_series(1, ?) as n)
            insert into messages (id, thread_id, sender_id, receiver_id, message_type, body, storage_key, file_name,
                                  size_bytes, content_type, attached_profile_id, client_msg_id, created_at, updated_at)
            select drawn.id, r.thread_id, r.sender_id, r.receiver_id, r.message_type, r.body, r.storage_key,
                   r.file_name, r.size_bytes, r.content_type, r.attached_profile_id, r.client_msg_id,
                   timestamptz 'epoch' + r.created_us / 1000000 * interval '1 second'
                       + r.created_us % 1000000 * interval '1 microsecond',
                   timestamptz 'epoch' + r.updated_us / 1000000 * interval '1 second'
                       + r.updated_us % 1000000 * interval '1 microsecond'
            from unnest(?::bigint[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[],
                        ?::text[], ?::uuid[], ?::text[], ?::bigint[], ?::bigint[])
                     with ordinality as r(thread_id, sender_id, receiver_id, message_type, body, storage_key,
                                          file_name, size_bytes, content_type, attached_profile_id, client_msg_id,
                                          created_us, updated_us, n)
            join drawn on drawn.n = r.n
            join chat_threads t on t.id = r.thread_id
            returning messages.id""";
    /** How many parameters {@link #bindBatch} sets: the number of rows and one array per column but the id. */
    static final int BATCH_PARAMETERS = 14;

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

    /**
     * Binds {@link #INSERT_DRAWING_IDS_ON_POSTGRESQL}'s {@value #BATCH_PARAMETERS} parameters from {@code first} on:
     * the number of rows, then each column of the rows as one array (NULL elements where a row has none).
     *
     * @return the arrays made, for the caller to {@link Array#free() free} once the statement has run
     * @throws SQLException as the driver reports it
     */
    static List<Array> bindBatch(Connection connection, PreparedStatement statement, int first,
                                 List<MessageEntity> rows) throws SQLException {
        int size = rows.size();
        Long[] threadIds = new Long[size];
        UUID[] senderIds = new UUID[size];
        UUID[] receiverIds = new UUID[size];
        String[] types = new String[size];
        String[] bodies = new String[size];
        String[] storageKeys = new String[size];
        String[] fileNames = new String[size];
        Long[] sizes = new Long[size];
        String[] contentTypes = new String[size];
        UUID[] profiles = new UUID[size];
        String[] clientMsgIds = new String[size];
        Long[] createdMicros = new Long[size];
        Long[] updatedMicros = new Long[size];
        for (int i = 0; i < size; i++) {
            MessageEntity row = rows.get(i);
            threadIds[i] = row.threadId;
            senderIds[i] = row.senderId;
            receiverIds[i] = row.receiverId;
            types[i] = row.messageType;
            bodies[i] = row.body;
            storageKeys[i] = row.storageKey;
            fileNames[i] = row.fileName;
            sizes[i] = row.sizeBytes;
            contentTypes[i] = row.contentType;
            profiles[i] = row.attachedProfileId;
            clientMsgIds[i] = row.clientMsgId;
            createdMicros[i] = epochMicros(row.createdAt);
            updatedMicros[i] = epochMicros(row.updatedAt);
        }
        List<Array> arrays = new ArrayList<>(BATCH_PARAMETERS - 1);
        statement.setInt(first, size);
        int parameter = first + 1;
        for (Object[] column : new Object[][] {threadIds, senderIds, receiverIds, types, bodies, storageKeys,
                fileNames, sizes, contentTypes, profiles, clientMsgIds, createdMicros, updatedMicros}) {
            String type = column instanceof Long[] ? "bigint" : column instanceof UUID[] ? "uuid" : "text";
            Array array = connection.createArrayOf(type, column);
            arrays.add(array);
            statement.setArray(parameter++, array);
        }
        return arrays;
    }

    /** Microseconds since the epoch of an instant already truncated to microseconds (exact, before 1970 too). */
    static long epochMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
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
