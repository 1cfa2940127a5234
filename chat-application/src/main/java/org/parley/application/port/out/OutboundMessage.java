package org.parley.application.port.out;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.Message;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.User;

/**
 * A stored message on its way to connected sessions.
 *
 * @param clientMessageId the sender's own id for the request, echoed in {@code conf_message} frames
 * @param attachedProfile the shared user, expanded, for {@code user_profile} messages
 */
public record OutboundMessage(
        Message message,
        List<Delivery> deliveries,
        Optional<ClientMessageId> clientMessageId,
        Optional<User> attachedProfile) {

    public OutboundMessage {
        Objects.requireNonNull(message, "message");
        deliveries = List.copyOf(deliveries);
        Objects.requireNonNull(clientMessageId, "clientMessageId");
        Objects.requireNonNull(attachedProfile, "attachedProfile");
    }
}
