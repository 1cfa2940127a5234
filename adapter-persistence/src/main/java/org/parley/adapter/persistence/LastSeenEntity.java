package org.parley.adapter.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** When a user's last connection closed (contract §13's {@code last_seen}): {@code user_last_seen}, schema V6. */
@Entity
@Table(name = "user_last_seen")
class LastSeenEntity {

    @Id
    @Column(name = "user_id", nullable = false, updatable = false)
    UUID userId;

    @Column(name = "last_seen", nullable = false)
    Instant lastSeen;

    LastSeenEntity() {
    }

    LastSeenEntity(UUID userId, Instant lastSeen) {
        this.userId = userId;
        this.lastSeen = lastSeen;
    }
}
