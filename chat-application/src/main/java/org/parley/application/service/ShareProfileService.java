package org.parley.application.service;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.parley.application.error.NotFound;
import org.parley.application.port.in.Sent;
import org.parley.application.port.in.ShareProfile;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.StoreMessages;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.User;

/**
 * Shares a user's profile as a message; it counts against the sender's {@link SendBudget} like a text message. A
 * {@code client_msg_id} the sender already used for a stored message stores nothing and completes with the original
 * (contract §14).
 */
public final class ShareProfileService implements ShareProfile {

    private final UserAccounts users;
    private final ThreadRepository threads;
    private final StoreMessages messages;
    private final TimeSource time;
    private final SendBudget budget;

    public ShareProfileService(UserAccounts users, ThreadRepository threads, StoreMessages messages, TimeSource time,
                               SendBudget budget) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.time = Objects.requireNonNull(time, "time");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    @Override
    public CompletionStage<Sent> share(Command command) {
        Participants pair = Participants.of(command.sender(), command.receiver());
        Budgets.takeOne(budget, command.sender());
        Receivers.requireActive(users, command.receiver());
        User profile = users.findById(command.profile())
                .orElseThrow(() -> new NotFound("No user with this attached_profile_id"));

        ChatThread thread = threads.getOrCreate(pair, time.now());
        DraftToStore draft = new DraftToStore(
                thread.compose(command.sender(), new MessageContent.ProfileShare(profile.id()), time.now()),
                command.clientMessageId());
        return messages.storeOnceThenPublish(draft,
                stored -> new MessageStored(stored, DeliveryPolicy.forStoredMessage(stored), command.clientMessageId(),
                        Optional.of(profile), Optional.empty()))
                .thenApply(answer -> Repeats.sent(answer, Optional.of(profile)));
    }
}
