package org.parley.application.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.parley.application.port.out.PresenceStore;
import org.parley.domain.user.UserId;

/**
 * Who is online on this one node ({@link PresenceStore} without a bus): the users this node holds. Every arrival is a
 * user coming online, every departure one going offline. Thread-safe.
 */
public final class LocalPresenceStore implements PresenceStore {

    private final Set<UserId> held = ConcurrentHashMap.newKeySet();

    @Override
    public Transitions update(Set<UserId> arrived, Set<UserId> left) {
        Set<UserId> online = new HashSet<>();
        Set<UserId> offline = new HashSet<>();
        for (UserId user : arrived) {
            if (held.add(user)) {
                online.add(user);
            }
        }
        for (UserId user : left) {
            if (!arrived.contains(user) && held.remove(user)) {
                offline.add(user);
            }
        }
        return new Transitions(online, offline);
    }

    @Override
    public Transitions maintain(Set<UserId> heldHere) {
        return Transitions.none();
    }

    @Override
    public Set<UserId> online(Collection<UserId> users) {
        Set<UserId> online = new HashSet<>();
        for (UserId user : users) {
            if (held.contains(user)) {
                online.add(user);
            }
        }
        return online;
    }

    /** Nothing to maintain: a minute, so that the tracker's round costs nothing. */
    @Override
    public Duration maintenanceInterval() {
        return Duration.ofMinutes(1);
    }
}
