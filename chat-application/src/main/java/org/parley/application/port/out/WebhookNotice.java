package org.parley.application.port.out;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * One webhook POST, with everything its body needs (contract §15): the event, whether its receiver is online, and the
 * message as history shows it (with its sender and receiver, and the signed link of its attachment).
 *
 * @param event          the outbox event
 * @param receiverOnline whether the message's receiver has an open connection now ({@link ConnectedUsers})
 * @param message        the message as it is stored now
 * @param seen           whether its receiver has read it (contract §11), as history shows it now
 * @param people         at least the message's sender and receiver
 * @param attachmentLink the signed link to its attachment, present exactly when the message carries a file
 */
public record WebhookNotice(WebhookEvent event, boolean receiverOnline, Message message, boolean seen,
                            Map<UserId, User> people, Optional<AttachmentLink> attachmentLink) {

    public WebhookNotice {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(message, "message");
        people = Map.copyOf(people);
        Objects.requireNonNull(attachmentLink, "attachmentLink");
        if (!people.containsKey(message.sender()) || !people.containsKey(message.receiver())) {
            throw new IllegalArgumentException("A webhook notice needs the message's sender and receiver");
        }
    }
}
