package org.parley.adapter.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/**
 * A row of {@code messages}: one table for the three kinds of content, whose columns are set or null by kind.
 * References are plain id columns, not associations. Only {@link MessageMapper} turns it into a domain message.
 */
@Entity
@Table(name = "messages")
class MessageEntity {

    /**
     * Matches {@code INCREMENT BY 1} of {@code messages_id_seq} (migration V2; Hibernate checks this at start-up):
     * each message takes the sequence's next value when it is stored, so ids grow with time even when several servers
     * share the database. Blocks of ids per server would not (see docs/storage.md).
     */
    static final int ID_ALLOCATION_SIZE = 1;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "messages_id")
    @SequenceGenerator(name = "messages_id", sequenceName = "messages_id_seq", allocationSize = ID_ALLOCATION_SIZE)
    @Column(name = "id", nullable = false, updatable = false)
    Long id;

    @Column(name = "thread_id", nullable = false, updatable = false)
    Long threadId;

    @Column(name = "sender_id", nullable = false, updatable = false)
    UUID senderId;

    @Column(name = "receiver_id", nullable = false, updatable = false)
    UUID receiverId;

    @Column(name = "message_type", nullable = false, updatable = false)
    String messageType;

    @Column(name = "body")
    String body;

    @Column(name = "storage_key")
    String storageKey;

    @Column(name = "file_name")
    String fileName;

    @Column(name = "size_bytes")
    Long sizeBytes;

    @Column(name = "content_type")
    String contentType;

    @Column(name = "attached_profile_id")
    UUID attachedProfileId;

    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    /** For Hibernate. */
    MessageEntity() {
    }
}
