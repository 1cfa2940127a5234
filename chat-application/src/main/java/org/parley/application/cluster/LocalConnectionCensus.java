package org.parley.application.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.UserId;

/**
 * The connections of each user on this one node ({@link ConnectionCensus} without a bus): a count per user, at most
 * {@code maxPerUser} (contract §16). Thread-safe; a user with no connection takes no memory.
 */
public final class LocalConnectionCensus implements ConnectionCensus {

    private final int maxPerUser;
    private final Map<UserId, Integer> open = new ConcurrentHashMap<>();

    /** @param maxPerUser the most connections a user may have open; 0: no limit (still counted) */
    public LocalConnectionCensus(int maxPerUser) {
        if (maxPerUser < 0) {
            throw new IllegalArgumentException("maxPerUser must be 0 (no limit) or positive, got " + maxPerUser);
        }
        this.maxPerUser = maxPerUser;
    }

    @Override
    public Optional<Lease> tryOpen(UserId user) {
        AtomicBoolean counted = new AtomicBoolean();
        open.compute(user, (id, count) -> {
            int now = count == null ? 0 : count;
            if (maxPerUser > 0 && now >= maxPerUser) {
                return count;
            }
            counted.set(true);
            return now + 1;
        });
        if (!counted.get()) {
            return Optional.empty();
        }
        return Optional.of(new Counted(this, user));
    }

    /**
     * One counted connection, released once. A flag in a field of its own, not a lambda holding an
     * {@code AtomicBoolean}: a lease lives as long as its connection, and this is 16 bytes less for each.
     */
    private static final class Counted implements Lease {
        private static final AtomicIntegerFieldUpdater<Counted> RELEASED =
                AtomicIntegerFieldUpdater.newUpdater(Counted.class, "released");

        private final LocalConnectionCensus census;
        private final UserId user;
        @SuppressWarnings("unused") // through RELEASED
        private volatile int released;

        Counted(LocalConnectionCensus census, UserId user) {
            this.census = census;
            this.user = user;
        }

        @Override
        public void release() {
            if (RELEASED.compareAndSet(this, 0, 1)) {
                census.open.computeIfPresent(user, (id, count) -> count <= 1 ? null : count - 1);
            }
        }
    }

    /** How many connections {@code user} has open (counted here). */
    public int openConnections(UserId user) {
        return open.getOrDefault(user, 0);
    }
}
