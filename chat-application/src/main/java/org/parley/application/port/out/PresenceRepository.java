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

    /**
     * Everyone who shares a thread with each of {@code users}, in one query (per {@value #BATCH} users): a user with no
     * thread maps to an empty set or is absent.
     */
    Map<UserId, Set<UserId>> partnersOf(Set<UserId> users);

    /**
     * Those of {@code candidates} who share a thread with {@code user}, each with when they were last seen (empty when
     * never recorded). Others, unknown ids included, are left out.
     */
    Map<UserId, Optional<Instant>> partnersAmong(UserId user, Set<UserId> candidates);

    /**
     * Each user was last connected at the time given, in one transaction; a later time already recorded is kept.
     */
    void recordLastSeen(Map<UserId, Instant> lastSeen);

    /** The most users one statement names; more are asked in several. */
    int BATCH = 1_000;
}
