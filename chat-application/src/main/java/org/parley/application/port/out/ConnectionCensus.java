package org.parley.application.port.out;

import java.util.Optional;

import org.parley.domain.user.UserId;

/**
 * How many websockets each user has open, on every node together, so that one user cannot open more than a limit
 * (contract §16: {@code PARLEY_MAX_CONNECTIONS_PER_USER}, 20 by default; the next handshake is refused with 429).
 *
 * <p>A connection is counted when its handshake is accepted ({@link #tryOpen}) and stops being counted when its
 * {@link Lease} is released, which the driving adapter does when the connection ends for any reason (closed by either
 * side, failed, dropped). Implementations: {@code LocalConnectionCensus} (one node, in the application's
 * {@code cluster} package) and the Redis adapter's census (several nodes, each node's counts expiring when the node
 * stops renewing them).
 *
 * <p>Calls are short and never throw: a census that cannot reach a shared store decides from this node's own count.
 */
public interface ConnectionCensus {

    /**
     * Counts one more connection of {@code user}, unless the user already has the limit open.
     *
     * @return the lease to release when the connection ends, or empty when the user is at the limit (refuse it)
     */
    Optional<Lease> tryOpen(UserId user);

    /** One counted connection. */
    interface Lease {
        /** Stops counting the connection. Idempotent: a second call does nothing. Never throws. */
        void release();
    }

    /** A census that counts nothing and refuses nobody (no limit). */
    static ConnectionCensus unlimited() {
        Lease nothing = () -> { };
        Optional<Lease> always = Optional.of(nothing);
        return user -> always;
    }
}
