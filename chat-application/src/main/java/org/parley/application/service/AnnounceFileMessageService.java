package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.AnnounceFileMessage;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.SendBudget;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.DeliveryPolicy;

/**
 * Publishes an uploaded file message (already stored and committed by the upload) with a freshly signed link, on the
 * caller's thread. Each announcement delivers the message again (to every connection of both sides), so it takes one
 * message from the sender's {@link SendBudget} like any message sent (contract §16), before the message is even looked
 * up: refused, it throws {@link org.parley.application.error.RateLimited} and delivers nothing. Without it one user
 * re-announced one upload thousands of times a second to a receiver's every connection (issue 13).
 */
public final class AnnounceFileMessageService implements AnnounceFileMessage {

    private final MessageRepository messages;
    private final EventDelivery delivery;
    private final LinkToAttachment links;
    private final SendBudget budget;

    public AnnounceFileMessageService(MessageRepository messages, EventDelivery delivery, LinkToAttachment links,
                                      SendBudget budget) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.links = Objects.requireNonNull(links, "links");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    @Override
    public Message announce(Command command) {
        Budgets.takeOne(budget, command.sender());
        Message message = messages.findById(command.message())
                .filter(found -> found.content() instanceof MessageContent.File)
                .filter(found -> found.sender().equals(command.sender()))
                .orElseThrow(() -> new NotFound("No file message with this chat_id was sent by you"));
        delivery.deliver(new MessageStored(message, DeliveryPolicy.forStoredMessage(message),
                command.clientMessageId(), Optional.empty(), links.linkFor(message)));
        return message;
    }
}
