package org.parley.application.port.out;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.parley.domain.user.UserId;

/**
 * What presence needs from storage (contract §13): who shares a thread with whom, and when each user was last
 * connected ({@code last_seen}, kept across restarts; written when a user goes offline, never per message).
 */
public interface PresenceRepository {

    /** Everyone who shares a thread with {@code user}, in one query; empty when none. */
    Set<UserId> partnersOf(UserId user);

    /**
     * Those of {@code candidates} who share a thread with {@code user}, each with when they were last seen (empty when
     * never recorded). Others, unknown ids included, are left out.
     */
    Map<UserId, Optional<Instant>> partnersAmong(UserId user, Set<UserId> candidates);

    /** {@code user} was last connected at {@code at}; a later time already recorded is kept. */
    void recordLastSeen(UserId user, Instant at);
}
