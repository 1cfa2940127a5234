package org.parley.application.service;

import java.time.Instant;
import java.util.Objects;

import org.parley.application.error.Conflict;
import org.parley.application.error.ValidationFailed;
import org.parley.application.port.in.ChangedMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.WebhookEvent;
import org.parley.domain.RuleSubject;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.delivery.DeliveryPolicy;

/**
 * Checks the new text as a new message's ({@link MessageRules}), takes one message from the sender's
 * {@link SendBudget}, finds the caller's own message, refuses what is not text or is deleted, stores the edit (which
 * refuses it again if a deletion won the race: {@link Conflict}; with a webhook, its {@code message.edited} event is
 * recorded in the same transaction) and, once it is committed, hands
 * {@link MessageEdited} to delivery. Not through group commit: an edit is rare and its caller waits for it; sending text
 * is not slowed by anything here.
 */
public final class EditMessageService implements EditMessage {

    private final MessageRepository messages;
    private final UserAccounts users;
    private final EventDelivery delivery;
    private final MessageRules rules;
    private final TimeSource time;
    private final SendBudget budget;
    private final ReadMarkerRepository readMarkers;
    /** Whether each edit also records its webhook event (contract §15), in the edit's transaction. */
    private final boolean recordWebhookEvents;

    /**
     * With {@code recordWebhookEvents} (a webhook is configured), each stored edit also records a
     * {@code message.edited} event in the webhook outbox, in the edit's own transaction
     * ({@link MessageRepository#saveEditRecordingEvent}), so no edit is stored without its event.
     */
    public EditMessageService(MessageRepository messages, UserAccounts users, EventDelivery delivery,
                              MessageRules rules, TimeSource time, SendBudget budget,
                              ReadMarkerRepository readMarkers, boolean recordWebhookEvents) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.users = Objects.requireNonNull(users, "users");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.time = Objects.requireNonNull(time, "time");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.readMarkers = Objects.requireNonNull(readMarkers, "readMarkers");
        this.recordWebhookEvents = recordWebhookEvents;
    }

    @Override
    public ChangedMessage edit(Command command) {
        MessageContent.Text text = rules.text(command.body());
        Budgets.takeOne(budget, command.editor());
        Message message = SenderOwnMessages.sentBy(messages, command.editor(), command.message());
        if (message.deleted()) {
            throw deleted();
        }
        if (!(message.content() instanceof MessageContent.Text)) {
            throw ValidationFailed.of(RuleSubject.TEXT, "Only text messages can be edited");
        }
        Instant now = time.now();
        boolean stored = recordWebhookEvents
                ? messages.saveEditRecordingEvent(message.id(), text, now, WebhookEvent.messageEdited(message, now))
                : messages.saveEdit(message.id(), text, now);
        if (!stored) {
            throw deleted();
        }
        Message edited = message.editedTo(text, now);
        delivery.deliver(new MessageEdited(edited, DeliveryPolicy.forEdit(edited), command.clientMessageId()));
        return SenderOwnMessages.answer(users, readMarkers, edited);
    }

    private static Conflict deleted() {
        return new Conflict(RuleSubject.TEXT, "This message was deleted and cannot be edited");
    }
}
