package org.parley.application.port.in;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.parley.domain.user.UserId;

/**
 * Whether some users are online, and when they were last seen (contract §13, {@code GET /chat/presence/}): only for
 * users who share a thread with the caller; any other id, unknown or not, is left out, so nothing is learnt about
 * users outside the caller's threads.
 */
public interface ShowPresence {

    /** The most ids one query may name. */
    int MAX_IDS = 100;

    /** The presence of those of {@code query}'s users who share a thread with its caller. */
    Map<UserId, Presence> show(Query query);

    /**
     * @throws IllegalArgumentException when more than {@link #MAX_IDS} users are named (the adapter refuses that
     *                                  first, as a bad request)
     */
    record Query(UserId caller, Set<UserId> users) {
        public Query {
            Objects.requireNonNull(caller, "caller");
            users = Set.copyOf(users);
            if (users.size() > MAX_IDS) {
                throw new IllegalArgumentException("At most " + MAX_IDS + " users, got " + users.size());
            }
        }
    }

    /**
     * @param online   whether the user has a connection open on some node (or closed one within the offline grace)
     * @param lastSeen when the user's last connection closed, when offline and known; empty while online
     */
    record Presence(boolean online, Optional<Instant> lastSeen) {
        public Presence {
            Objects.requireNonNull(lastSeen, "lastSeen");
            if (online && lastSeen.isPresent()) {
                throw new IllegalArgumentException("An online user has no last-seen time");
            }
        }
    }
}
