package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.parley.application.port.out.WebhookEvent;

/**
 * Inserts webhook events into {@code webhook_outbox} (migration V8) on the caller's connection, so in the caller's
 * transaction: group commit's batch of messages and their events commit together. One JDBC batch whatever the number
 * of events; the table's identity gives them their order. A repository that changes a message (an edit, a deletion)
 * calls it inside its own unit of work to record the change's event in the same transaction
 * ({@code session.doWork(connection -> OutboxRows.insert(connection, List.of(event)))}).
 */
final class OutboxRows {

    private static final String INSERT = "INSERT INTO webhook_outbox (id, event_type, message_id, receiver_id, "
            + "created_at) VALUES (?, ?, ?, ?, ?)";

    private OutboxRows() {
    }

    static void insert(Connection connection, List<WebhookEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (WebhookEvent event : events) {
                insert.setObject(1, event.id());
                insert.setString(2, typeCode(event.kind()));
                insert.setLong(3, event.message().value());
                insert.setObject(4, event.receiver().value());
                insert.setObject(5, column(event.createdAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The {@code event_type} column's code of each kind: the wire names of contract §15, pinned by a check. */
    static String typeCode(WebhookEvent.Kind kind) {
        return switch (kind) {
            case MESSAGE_NEW -> "message.new";
            case MESSAGE_EDITED -> "message.edited";
            case MESSAGE_DELETED -> "message.deleted";
        };
    }

    static WebhookEvent.Kind kindOf(String code) {
        for (WebhookEvent.Kind kind : WebhookEvent.Kind.values()) {
            if (typeCode(kind).equals(code)) {
                return kind;
            }
        }
        throw new IllegalStateException("Unknown webhook event type in the outbox: " + code);
    }

    static OffsetDateTime column(java.time.Instant instant) {
        return StoredInstants.toColumn(instant).atOffset(ZoneOffset.UTC);
    }
}
