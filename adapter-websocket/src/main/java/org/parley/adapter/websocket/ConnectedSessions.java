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
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.delivery.DeliveryKind;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open websocket connections of this node, per user (every device of a user), and the in-process
 * {@link MessageDelivery}: each delivery of a stored message is rendered once per frame kind and queued, without
 * waiting, to every open connection of its recipient. A closed or slow connection never blocks or fails the sender.
 * Connections leave the registry when they close or fail. A failure stays with its message or its connection:
 * {@link #deliver} never throws, so the thread delivering (shared by every user) never stops.
 */
public final class ConnectedSessions implements MessageDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectedSessions.class);

    private final Map<UserId, Set<LiveConnection>> byUser = new ConcurrentHashMap<>();

    private final LinkToAttachment links;
    private final FrameRenderer renderer;

    /** @param links signs the {@code attached_file} link of file frames */
    public ConnectedSessions(LinkToAttachment links) {
        this(links, FrameRenderer.SEED_FRAMES);
    }

    /** With another renderer than the seed's frames (tests). */
    ConnectedSessions(LinkToAttachment links, FrameRenderer renderer) {
        this.links = Objects.requireNonNull(links, "links");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
    }

    /**
     * Renders each frame kind of {@code outbound} once and queues it to every open connection of its recipients. Never
     * throws: a message whose frame cannot be rendered (the renderer throws anything, or renders text that has no UTF-8
     * form) is not delivered, its failure is logged once, and its sender's connections get an {@code internal_error}
     * frame; a connection whose write throws is closed on its own (see {@link LiveConnection}).
     */
    @Override
    public void deliver(OutboundMessage outbound) {
        Objects.requireNonNull(outbound, "outbound");
        MessageId message = outbound.message().id();
        Map<DeliveryKind, String> rendered = new EnumMap<>(DeliveryKind.class);
        Optional<String> link;
        try {
            link = links.linkFor(outbound.message());
        } catch (Throwable failure) {
            undeliverable(outbound, failure);
            return;
        }
        for (Delivery delivery : outbound.deliveries()) {
            Set<LiveConnection> connections = byUser.get(delivery.recipient());
            if (connections == null || connections.isEmpty()) {
                continue;
            }
            String frame = rendered.get(delivery.kind());
            if (frame == null) {
                try {
                    frame = SendableText.require(renderer.render(outbound, delivery.kind(), link));
                } catch (Throwable failure) {
                    undeliverable(outbound, failure);
                    return;
                }
                rendered.put(delivery.kind(), frame);
            }
            for (LiveConnection connection : connections) {
                connection.send(frame, message);
            }
        }
    }

    /** The message stays stored (clients catching up with {@code after=} get it over REST); its sender is told. */
    private void undeliverable(OutboundMessage outbound, Throwable failure) {
        Message message = outbound.message();
        LOG.error("Message {} of user {} was stored but cannot be delivered: its frame could not be rendered: {}",
                message.id().value(), message.sender(), Failures.describe(failure));
        Set<LiveConnection> senders = byUser.get(message.sender());
        if (senders == null || senders.isEmpty()) {
            return;
        }
        String error = undeliverableFrame(outbound);
        if (error == null) {
            return;
        }
        for (LiveConnection connection : senders) {
            connection.send(error, message.id());
        }
    }

    /**
     * The {@code internal_error} frame answering the request that stored an undeliverable message, with its
     * {@code client_msg_id} when that can be sent back (it may be what made the message undeliverable); null when
     * no error frame can be rendered either.
     */
    private static String undeliverableFrame(OutboundMessage outbound) {
        Message message = outbound.message();
        String text = "Message " + message.id().value() + " was stored but cannot be delivered";
        String action = switch (message.type()) {
            case TEXT -> InboundFrames.TEXT_MESSAGE;
            case FILE -> InboundFrames.FILE_MESSAGE;
            case USER_PROFILE -> InboundFrames.USER_PROFILE_MESSAGE;
        };
        try {
            String withId = Frames.error(ErrorCode.INTERNAL_ERROR, text, action, outbound.clientMessageId());
            if (SendableText.firstUnpairedSurrogate(withId) < 0) {
                return withId;
            }
            return SendableText.require(Frames.error(ErrorCode.INTERNAL_ERROR, text, action, Optional.empty()));
        } catch (Throwable failure) {
            return null;
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
