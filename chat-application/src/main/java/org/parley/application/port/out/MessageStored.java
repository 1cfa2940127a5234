package org.parley.application.port.out;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.User;

/**
 * A message was stored (or, for an uploaded file, announced by its sender): its receiver and its sender are told.
 *
 * @param message         the stored message
 * @param deliveries      who is told, from {@link org.parley.domain.delivery.DeliveryPolicy#forStoredMessage}
 * @param clientMessageId the sender's own id for the request, echoed to the sender
 * @param attachedProfile the shared user, expanded, for a {@code user_profile} message
 * @param attachmentLink  the signed link to the attachment: present exactly when the message carries a file
 * @param position        where the message stands in its thread's order ({@link ThreadPosition#unknown()} until
 *                        storage says, and for an announcement that repeats an older message)
 * @throws IllegalArgumentException when a file message comes without its link, another message with one, or the link
 *                                  is for another message
 */
public record MessageStored(
        Message message,
        List<Delivery> deliveries,
        Optional<ClientMessageId> clientMessageId,
        Optional<User> attachedProfile,
        Optional<AttachmentLink> attachmentLink,
        ThreadPosition position) implements OutboundEvent {

    public MessageStored {
        Objects.requireNonNull(message, "message");
        deliveries = List.copyOf(deliveries);
        Objects.requireNonNull(clientMessageId, "clientMessageId");
        Objects.requireNonNull(attachedProfile, "attachedProfile");
        Objects.requireNonNull(attachmentLink, "attachmentLink");
        Objects.requireNonNull(position, "position");
        if (attachmentLink.isPresent() != message.content() instanceof MessageContent.File) {
            throw new IllegalArgumentException(attachmentLink.isPresent()
                    ? "Message " + message.id() + " has no file to link to"
                    : "File message " + message.id() + " needs its attachment link");
        }
        if (attachmentLink.isPresent() && !attachmentLink.get().message().equals(message.id())) {
            throw new IllegalArgumentException("The attachment link is for another message than " + message.id());
        }
    }

    /** As {@link #MessageStored(Message, List, Optional, Optional, Optional, ThreadPosition)}, position unknown. */
    public MessageStored(Message message, List<Delivery> deliveries, Optional<ClientMessageId> clientMessageId,
                         Optional<User> attachedProfile, Optional<AttachmentLink> attachmentLink) {
        this(message, deliveries, clientMessageId, attachedProfile, attachmentLink, ThreadPosition.unknown());
    }

    /** This event with the position storage gave its message. */
    public MessageStored at(ThreadPosition storedPosition) {
        return new MessageStored(message, deliveries, clientMessageId, attachedProfile, attachmentLink, storedPosition);
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.messageStored(this);
    }
}
