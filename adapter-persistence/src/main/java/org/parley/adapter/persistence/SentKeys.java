package org.parley.adapter.persistence;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.hibernate.StatelessSession;
import org.hibernate.query.NativeQuery;
import org.parley.application.port.out.DraftToStore;
import org.parley.domain.chat.Message;

/**
 * Finds, for a batch about to be stored, the messages its senders already stored with the same {@code client_msg_id}
 * (contract §14): one statement for the whole batch, {@code (sender_id, client_msg_id) IN ((…), …)}, served by the
 * index of {@code uq_messages_sender_client_msg_id} on both databases (one probe per pair: H2 2.5 looks the row values
 * up in the index, PostgreSQL ORs index scans), and none at all when no draft of the batch carries a key.
 */
final class SentKeys {

    /** A sender and the {@code client_msg_id} of one of its requests. */
    record Key(UUID sender, String clientMsgId) {
    }

    private SentKeys() {
    }

    /** The key of a draft, or null when its request carried no {@code client_msg_id}. */
    static Key of(DraftToStore draft) {
        return draft.clientMessageId().isEmpty() ? null
                : new Key(draft.draft().sender().value(), draft.clientMessageId().get().value());
    }

    /**
     * The messages already stored under the keys of {@code batch}, by key, read in the caller's transaction; no
     * statement when no draft has a key.
     */
    static Map<Key, Message> storedUnder(StatelessSession session, List<DraftToStore> batch) {
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
        StringBuilder sql = new StringBuilder("select * from messages where (sender_id, client_msg_id) in (");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:s").append(i).append(", :k").append(i).append(')');
        }
        sql.append(')');
        NativeQuery<MessageEntity> query = session.createNativeQuery(sql.toString(), MessageEntity.class);
        int i = 0;
        for (Key key : keys) {
            query.setParameter("s" + i, key.sender()).setParameter("k" + i, key.clientMsgId());
            i++;
        }
        Map<Key, Message> stored = new HashMap<>();
        for (MessageEntity entity : query.getResultList()) {
            stored.put(new Key(entity.senderId, entity.clientMsgId), MessageMapper.toDomain(entity));
        }
        return stored;
    }
}
