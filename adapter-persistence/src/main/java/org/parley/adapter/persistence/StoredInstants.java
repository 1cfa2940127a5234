package org.parley.adapter.persistence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Instants as the {@code TIMESTAMP(6)} columns keep them: microseconds. Domain instants are already
 * microsecond-truncated; truncating again here guarantees that what a repository returns equals what it reads back
 * later, even for an instant with nanoseconds (which the database would otherwise round).
 */
final class StoredInstants {

    private StoredInstants() {
    }

    static Instant toColumn(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }
}
