package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

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
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
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

    /** What a send came to: a text message is never a profile share, so a repeat carries no profile. */
    private static final Function<AppendedMessage, Sent> SENT = answer -> Repeats.sent(answer, Optional.empty());

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
        return messages.storeOnceThenPublish(draft(command, thread, text), announced(command.clientMessageId()))
                .thenApply(SENT);
    }

    @Override
    public Optional<CompletionStage<Sent>> sendFromMemory(Command command) {
        MessageContent.Text text = rules.text(command.body());
        Participants pair = Participants.of(command.sender(), command.receiver());
        Optional<ChatThread> thread = threads.findHeld(pair);
        if (thread.isEmpty()) {
            return Optional.empty();
        }
        Optional<User> receiver = users.findHeld(command.receiver());
        // An inactive or unknown receiver is refused by send(), from whatever it reads.
        if (receiver.isEmpty() || !receiver.get().isActive()) {
            return Optional.empty();
        }
        Optional<Admission> admission = budget.takeFromMemory(command.sender());
        if (admission.isEmpty()) {
            return Optional.empty();
        }
        if (!admission.get().granted()) {
            throw RateLimited.sending(admission.get().retryAfter());
        }
        Optional<CompletionStage<AppendedMessage>> queued = messages.storeOnceThenPublishAtOnce(
                draft(command, thread.get(), text), announced(command.clientMessageId()));
        if (queued.isEmpty()) {
            // send() takes again: this message must not cost the sender two.
            budget.giveBack(command.sender());
            return Optional.empty();
        }
        return Optional.of(queued.get().thenApply(SENT));
    }

    /** The message of {@code command} in {@code thread}, composed now, as storage takes it. */
    private DraftToStore draft(Command command, ChatThread thread, MessageContent.Text text) {
        return new DraftToStore(thread.compose(command.sender(), text, time.now()), command.clientMessageId());
    }

    /** The event that storing a text message publishes: its frames go to both sides, the sender's with its id. */
    private static Function<Message, MessageStored> announced(Optional<ClientMessageId> clientMessageId) {
        return stored -> new MessageStored(stored, DeliveryPolicy.forStoredMessage(stored), clientMessageId,
                Optional.empty(), Optional.empty());
    }
}
