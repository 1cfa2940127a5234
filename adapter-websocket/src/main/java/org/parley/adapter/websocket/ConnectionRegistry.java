package org.parley.adapter.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.parley.domain.user.UserId;

/**
 * Who is connected to this node: the open websocket connections, per user (every device of a user). The endpoint
 * adds a connection when it opens and removes it when it closes or fails; {@link WebSocketDelivery} writes to them.
 * Thread-safe; reads never block writers.
 *
 * <p>Each user's connections are an immutable set, replaced as a whole (under the map's per-key lock) when one opens or
 * closes: a user has a few connections at most, and an immutable set of one costs 24 bytes where a concurrent set
 * cost about 250 (its own map and table), per connected user.
 */
public final class ConnectionRegistry {

    private final Map<UserId, Set<LiveConnection>> byUser = new ConcurrentHashMap<>();

    /** How many connections are open on this node, all users together. */
    public int count() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * Whether {@code user} has an open connection on this node: what bootstrap answers
     * {@link org.parley.application.port.out.ConnectedUsers} with (a webhook's {@code receiver_online}). One map
     * look-up, never blocks.
     */
    public boolean isConnected(UserId user) {
        Set<LiveConnection> connections = byUser.get(user);
        return connections != null && !connections.isEmpty();
    }

    void add(LiveConnection connection) {
        byUser.compute(connection.user(), (user, connections) -> {
            if (connections == null) {
                return Set.of(connection);
            }
            if (connections.contains(connection)) {
                return connections;
            }
            LiveConnection[] more = connections.toArray(new LiveConnection[connections.size() + 1]);
            more[connections.size()] = connection;
            return Set.of(more);
        });
    }

    void remove(LiveConnection connection) {
        byUser.computeIfPresent(connection.user(), (user, connections) -> {
            if (!connections.contains(connection)) {
                return connections;
            }
            if (connections.size() == 1) {
                return null;
            }
            LiveConnection[] fewer = new LiveConnection[connections.size() - 1];
            int i = 0;
            for (LiveConnection open : connections) {
                if (open != connection) {
                    fewer[i++] = open;
                }
            }
            return Set.of(fewer);
        });
    }

    /**
     * The open connections of {@code user} when asked (an immutable snapshot: iterating it never fails, and a
     * connection that opens or closes meanwhile is in the next one); empty when none. Nothing is copied: this is asked
     * for every delivery.
     */
    Set<LiveConnection> of(UserId user) {
        Set<LiveConnection> connections = byUser.get(user);
        return connections == null ? Set.of() : connections;
    }

    /** A snapshot of every open connection. */
    List<LiveConnection> all() {
        List<LiveConnection> all = new ArrayList<>();
        byUser.values().forEach(all::addAll);
        return all;
    }
}
