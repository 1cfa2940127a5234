package org.parley.adapter.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.H2Dialect;
import org.parley.application.port.out.DraftToStore;
import org.parley.domain.chat.Message;

/**
 * Finds, for a batch about to be stored, the messages its senders already stored with the same {@code client_msg_id}
 * (contract §14): one statement for the whole batch, and none at all when no draft of the batch carries a key. The
 * statement is plain JDBC on the caller's connection and takes the keys as two array parameters, senders and
 * {@code client_msg_id}s, joined to {@code messages} from {@code UNNEST(?, ?)}: one SQL text whatever the number of
 * keys, each key one probe of the index of {@code uq_messages_sender_client_msg_id} (H2 2.5 joins the unnested keys to
 * that index; so does PostgreSQL, by nested loop, once {@code messages} is more than a few pages). The arrays are cast
 * to their types in the text, in each database's own syntax ({@code UUID ARRAY} on H2, {@code uuid[]} elsewhere).
 */
final class SentKeys {

    /** A sender and the {@code client_msg_id} of one of its requests. */
    record Key(UUID sender, String clientMsgId) {
    }

    /** The statement on PostgreSQL: parameters the array of senders, then the array of {@code client_msg_id}s. */
    static final String STORED = stored("cast(? as uuid[]), cast(? as varchar[])");
    /** {@link #STORED} in H2's syntax for array types. */
    static final String STORED_ON_H2 = stored("cast(? as uuid array), cast(? as varchar(64) array)");

    private final String storedSql;

    private SentKeys(String storedSql) {
        this.storedSql = storedSql;
    }

    private static String stored(String arrays) {
        return "select " + MessageRows.COLUMNS_OF_M + " from unnest(" + arrays + ") k(sender_id, client_msg_id)"
                + " join messages m on m.sender_id = k.sender_id and m.client_msg_id = k.client_msg_id";
    }

    /** With {@link #STORED_ON_H2} on H2, {@link #STORED} on any other database. */
    static SentKeys forDialect(Dialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        return new SentKeys(dialect instanceof H2Dialect ? STORED_ON_H2 : STORED);
    }

    /** The key of a draft, or null when its request carried no {@code client_msg_id}. */
    static Key of(DraftToStore draft) {
        return draft.clientMessageId().isEmpty() ? null
                : new Key(draft.draft().sender().value(), draft.clientMessageId().get().value());
    }

    /**
     * The messages already stored under the keys of {@code batch}, by key, read in the connection's transaction; no
     * statement when no draft has a key.
     *
     * @throws SQLException as the connection reports it (the caller's session converts it)
     */
    Map<Key, Message> storedUnder(Connection connection, List<DraftToStore> batch) throws SQLException {
        Set<Key> keys = null;
        for (DraftToStore draft : batch) {
            Key key = of(draft);
            if (key != null) {
                if (keys == null) {
                    keys = new LinkedHashSet<>();
                }
                keys.add(key);
            }
        }
        if (keys == null) {
            return Map.of();
        }
        Object[] senders = new Object[keys.size()];
        Object[] clientMsgIds = new Object[keys.size()];
        int i = 0;
        for (Key key : keys) {
            senders[i] = key.sender();
            clientMsgIds[i] = key.clientMsgId();
            i++;
        }
        Array senderArray = connection.createArrayOf("uuid", senders);
        Array clientMsgIdArray = connection.createArrayOf("varchar", clientMsgIds);
        Map<Key, Message> stored = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(storedSql)) {
            query.setArray(1, senderArray);
            query.setArray(2, clientMsgIdArray);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    MessageEntity entity = MessageRows.read(rows);
                    stored.put(new Key(entity.senderId, entity.clientMsgId), MessageMapper.toDomain(entity));
                }
            }
        } finally {
            senderArray.free();
            clientMsgIdArray.free();
        }
        return stored;
    }
}
