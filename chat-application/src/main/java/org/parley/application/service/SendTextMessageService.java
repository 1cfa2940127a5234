package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.Sent;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.StoreMessages;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.DeliveryPolicy;

/**
 * Checks the text and the pair, takes one message from the sender's {@link SendBudget} (contract §16; refused:
 * {@link org.parley.application.error.RateLimited}, nothing stored), checks the receiver, then stores the message
 * through group commit without waiting for it.
 */
public final class SendTextMessageService implements SendTextMessage {

    private final UserAccounts users;
    private final ThreadRepository threads;
    private final StoreMessages messages;
    private final MessageRules rules;
    private final TimeSource time;
    private final SendBudget budget;

    public SendTextMessageService(UserAccounts users, ThreadRepository threads, StoreMessages messages,
                                  MessageRules rules, TimeSource time, SendBudget budget) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.time = Objects.requireNonNull(time, "time");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    @Override
    public CompletionStage<Sent> send(Command command) {
        MessageContent.Text text = rules.text(command.body());
        Participants pair = Participants.of(command.sender(), command.receiver());
        Budgets.takeOne(budget, command.sender());
        Receivers.requireActive(users, command.receiver());

        ChatThread thread = threads.getOrCreate(pair, time.now());
        DraftToStore draft = new DraftToStore(thread.compose(command.sender(), text, time.now()),
                command.clientMessageId());
        return messages.storeOnceThenPublish(draft, stored -> new MessageStored(
                stored, DeliveryPolicy.forStoredMessage(stored), command.clientMessageId(), Optional.empty(),
                Optional.empty())).thenApply(answer -> Repeats.sent(answer, Optional.empty()));
    }
}
