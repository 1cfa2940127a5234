package org.parley.application.port.out;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.parley.domain.user.UserId;

/**
 * Who is online on every node together (contract §13: a user is online while at least one of their connections is
 * open on any node). Each node reports which of its users it holds (has a connection of, or is keeping for the
 * offline grace) and which it let go; the store answers which of them came online or went offline across the nodes.
 *
 * <p>Implementations: {@code LocalPresenceStore} (one node, in the application's {@code cluster} package) and the
 * Redis adapter's (several nodes: a node that stops renewing its entry is found by another node's
 * {@link #maintain}, and its users go offline). Calls are made by one thread per node, never throw, and answer
 * nothing for what they could not do (the next {@link #maintain} repairs it).
 */
public interface PresenceStore {

    /**
     * This node now holds {@code arrived} and no longer holds {@code left}.
     *
     * @return the users among them who came online (no node held them) or went offline (no node holds them now)
     */
    Transitions update(Set<UserId> arrived, Set<UserId> left);

    /**
     * Called every {@link #maintenanceInterval()}: renews this node's entry, writes {@code heldHere} again when the
     * store lost it (after a failure, or when other nodes took this node for dead), and finds the users of nodes that
     * stopped (crashed).
     *
     * @param heldHere every user this node holds now
     * @return the users who came online or went offline meanwhile, as found by this call
     */
    Transitions maintain(Set<UserId> heldHere);

    /** Which of {@code users} are online (held by some live node). */
    Set<UserId> online(Collection<UserId> users);

    /** How often {@link #maintain} must run. */
    Duration maintenanceInterval();

    /** Users who came online and users who went offline. */
    record Transitions(Set<UserId> online, Set<UserId> offline) {

        public Transitions {
            online = Set.copyOf(online);
            offline = Set.copyOf(offline);
            if (online.stream().anyMatch(offline::contains)) {
                throw new IllegalArgumentException("A user cannot come online and go offline at once");
            }
        }

        public static Transitions none() {
            return new Transitions(Set.of(), Set.of());
        }

        public boolean isEmpty() {
            return online.isEmpty() && offline.isEmpty();
        }

        /** These and {@code later}'s, a user in both counted as {@code later} says. */
        public Transitions then(Transitions later) {
            Objects.requireNonNull(later, "later");
            Set<UserId> on = new HashSet<>(online);
            Set<UserId> off = new HashSet<>(offline);
            on.removeAll(later.offline());
            off.removeAll(later.online());
            on.addAll(later.online());
            off.addAll(later.offline());
            return new Transitions(on, off);
        }
    }
}
