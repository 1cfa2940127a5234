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
    public Map<UserId, Set<UserId>> partnersOf(Set<UserId> users) {
        Map<UserId, Set<UserId>> partners = new HashMap<>();
        for (UserId user : users) {
            partners.put(user, partnersOf(user));
        }
        return partners;
    }

    private Set<UserId> partnersOf(UserId user) {
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
    public void recordLastSeen(Map<UserId, Instant> seen) {
        seen.forEach((user, at) -> lastSeen.merge(user, Objects.requireNonNull(at, "at"),
                (known, given) -> given.isAfter(known) ? given : known));
    }
}
