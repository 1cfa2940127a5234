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
 * A row of {@code chat_threads}. Participants are plain id columns, not associations, so that nothing is ever
 * loaded lazily behind a query's back. Only {@link ChatThreadMapper} turns it into a domain thread.
 */
@Entity
@Table(name = "chat_threads")
class ChatThreadEntity {

    /** Matches {@code INCREMENT BY 1} of {@code chat_threads_id_seq} (Hibernate checks this at start-up). */
    static final int ID_ALLOCATION_SIZE = 1;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "chat_threads_id")
    @SequenceGenerator(name = "chat_threads_id", sequenceName = "chat_threads_id_seq",
            allocationSize = ID_ALLOCATION_SIZE)
    @Column(name = "id", nullable = false, updatable = false)
    Long id;

    @Column(name = "first_user_id", nullable = false, updatable = false)
    UUID firstUserId;

    @Column(name = "second_user_id", nullable = false, updatable = false)
    UUID secondUserId;

    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;

    /** For Hibernate. */
    ChatThreadEntity() {
    }
}
