package org.parley.adapter.websocket;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.out.MessageDelivery;
import org.parley.application.port.out.OutboundMessage;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.delivery.DeliveryKind;
import org.parley.domain.user.UserId;

/**
 * The open websocket connections of this node, per user (every device of a user), and the in-process
 * {@link MessageDelivery}: each delivery of a stored message is rendered once per frame kind and queued, without
 * waiting, to every open connection of its recipient. A closed or slow connection never blocks or fails the sender.
 * Connections leave the registry when they close or fail.
 */
public final class ConnectedSessions implements MessageDelivery {

    private final Map<UserId, Set<LiveConnection>> byUser = new ConcurrentHashMap<>();

    private final LinkToAttachment links;

    /** @param links signs the {@code attached_file} link of file frames */
    public ConnectedSessions(LinkToAttachment links) {
        this.links = Objects.requireNonNull(links, "links");
    }

    @Override
    public void deliver(OutboundMessage outbound) {
        Objects.requireNonNull(outbound, "outbound");
        Map<DeliveryKind, String> rendered = new EnumMap<>(DeliveryKind.class);
        Optional<String> link = links.linkFor(outbound.message());
        for (Delivery delivery : outbound.deliveries()) {
            Set<LiveConnection> connections = byUser.get(delivery.recipient());
            if (connections == null || connections.isEmpty()) {
                continue;
            }
            String frame = rendered.computeIfAbsent(delivery.kind(), kind -> Frames.delivery(outbound, kind, link));
            for (LiveConnection connection : connections) {
                connection.send(frame);
            }
        }
    }

    /** How many connections are open on this node, all users together. */
    public int openSessionCount() {
        return byUser.values().stream().mapToInt(Set::size).sum();
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

    /** A snapshot of every open connection. */
    List<LiveConnection> all() {
        List<LiveConnection> all = new ArrayList<>();
        byUser.values().forEach(all::addAll);
        return all;
    }
}
