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
            Set<LiveConnection> set = connections == null ? ConcurrentHashMap.newKeySet() : connections;
            set.add(connection);
            return set;
        });
    }

    void remove(LiveConnection connection) {
        byUser.computeIfPresent(connection.user(), (user, connections) -> {
            connections.remove(connection);
            return connections.isEmpty() ? null : connections;
        });
    }

    /**
     * The open connections of {@code user}, as a live view (iterating it sees connections that come and go meanwhile,
     * and never fails); empty when none. Nothing is copied: this is asked for every delivery.
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
