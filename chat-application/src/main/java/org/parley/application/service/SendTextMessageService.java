package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.parley.application.port.in.SendTextMessage;
import org.parley.application.error.RateLimited;
import org.parley.application.port.in.Sent;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.AppendedMessage;
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
import org.parley.domain.user.User;

/**
 * Checks the text and the pair, takes one message from the sender's {@link SendBudget} (contract §16; refused:
 * {@link org.parley.application.error.RateLimited}, nothing stored), checks the receiver, then stores the message
 * through group commit without waiting for it.
 *
 * <p>{@link #sendFromMemory} does the same from what the ports hold in memory alone ({@link UserAccounts#findHeld},
 * {@link ThreadRepository#findHeld}, {@link SendBudget#takeFromMemory},
 * {@link StoreMessages#storeOnceThenPublishAtOnce}), and declines, having taken nothing, as soon as one of them cannot
 * answer so. Its answers are the same as {@link #send}'s: it goes ahead only for an active receiver whose thread with
 * the sender exists, where {@link #send} takes one from the budget and stores the message too.
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

    @Override
    public Optional<CompletionStage<Sent>> sendFromMemory(Command command) {
        MessageContent.Text text = rules.text(command.body());
        Participants pair = Participants.of(command.sender(), command.receiver());
        Optional<ChatThread> thread = threads.findHeld(pair);
        // An inactive or unknown receiver is refused by send(), from whatever it reads.
        if (thread.isEmpty() || !users.findHeld(command.receiver()).map(User::isActive).orElse(false)) {
            return Optional.empty();
        }
        Optional<Admission> admission = budget.takeFromMemory(command.sender());
        if (admission.isEmpty()) {
            return Optional.empty();
        }
        if (!admission.get().granted()) {
            throw RateLimited.sending(admission.get().retryAfter());
        }
        DraftToStore draft = new DraftToStore(thread.get().compose(command.sender(), text, time.now()),
                command.clientMessageId());
        Optional<CompletionStage<AppendedMessage>> queued = messages.storeOnceThenPublishAtOnce(draft,
                stored -> new MessageStored(stored, DeliveryPolicy.forStoredMessage(stored), command.clientMessageId(),
                        Optional.empty(), Optional.empty()));
        if (queued.isEmpty()) {
            // send() takes again: this message must not cost the sender two.
            budget.giveBack(command.sender());
            return Optional.empty();
        }
        return Optional.of(queued.get().thenApply(answer -> Repeats.sent(answer, Optional.empty())));
    }
}
