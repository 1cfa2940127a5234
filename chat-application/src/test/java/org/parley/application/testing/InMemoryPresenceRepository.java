package org.parley.application.testing;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.parley.application.port.out.PresenceRepository;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.user.UserId;

/** {@link PresenceRepository} in memory: thread partners read from a {@link ThreadRepository}. Thread-safe. */
public final class InMemoryPresenceRepository implements PresenceRepository {

    private final ThreadRepository threads;
    private final Map<UserId, Instant> lastSeen = new ConcurrentHashMap<>();

    public InMemoryPresenceRepository(ThreadRepository threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
    }

    @Override
    public Set<UserId> partnersOf(UserId user) {
        Set<UserId> partners = new HashSet<>();
        for (ThreadActivity activity : threads.findActivityOf(user)) {
            partners.add(activity.thread().participants().otherThan(user));
        }
        return partners;
    }

    @Override
    public Map<UserId, Optional<Instant>> partnersAmong(UserId user, Set<UserId> candidates) {
        Map<UserId, Optional<Instant>> found = new HashMap<>();
        for (UserId partner : partnersOf(user)) {
            if (candidates.contains(partner)) {
                found.put(partner, Optional.ofNullable(lastSeen.get(partner)));
            }
        }
        return found;
    }

    @Override
    public void recordLastSeen(UserId user, Instant at) {
        Objects.requireNonNull(at, "at");
        lastSeen.merge(user, at, (known, given) -> given.isAfter(known) ? given : known);
    }
}
