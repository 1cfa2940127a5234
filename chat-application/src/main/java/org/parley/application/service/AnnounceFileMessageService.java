package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.out.MessageDelivery;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.OutboundMessage;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageType;
import org.parley.domain.delivery.DeliveryPolicy;

public final class AnnounceFileMessageService implements AnnounceFileMessage {

    private final MessageRepository messages;
    private final MessageDelivery delivery;
    private final DeliveryPolicy policy;

    public AnnounceFileMessageService(MessageRepository messages, MessageDelivery delivery, DeliveryPolicy policy) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Message announce(Command command) {
        Message message = messages.findById(command.message())
                .filter(found -> found.type() == MessageType.FILE)
                .filter(found -> found.sender().equals(command.sender()))
                .orElseThrow(() -> new NotFound("No file message with this chat_id was sent by you"));
        delivery.deliver(new OutboundMessage(
                message, policy.deliveriesOf(message), command.clientMessageId(), Optional.empty()));
        return message;
    }
}
