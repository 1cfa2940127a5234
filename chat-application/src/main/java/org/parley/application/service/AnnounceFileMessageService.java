package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageType;
import org.parley.domain.delivery.DeliveryPolicy;

/**
 * Publishes an uploaded file message (already stored and committed by the upload) with a freshly signed link, on the
 * caller's thread.
 */
public final class AnnounceFileMessageService implements AnnounceFileMessage {

    private final MessageRepository messages;
    private final EventDelivery delivery;
    private final LinkToAttachment links;

    public AnnounceFileMessageService(MessageRepository messages, EventDelivery delivery, LinkToAttachment links) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.links = Objects.requireNonNull(links, "links");
    }

    @Override
    public Message announce(Command command) {
        Message message = messages.findById(command.message())
                .filter(found -> found.type() == MessageType.FILE)
                .filter(found -> found.sender().equals(command.sender()))
                .orElseThrow(() -> new NotFound("No file message with this chat_id was sent by you"));
        delivery.deliver(new MessageStored(message, DeliveryPolicy.forStoredMessage(message),
                command.clientMessageId(), Optional.empty(), links.linkFor(message)));
        return message;
    }
}
