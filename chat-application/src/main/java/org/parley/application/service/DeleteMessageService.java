package org.parley.application.service;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Objects;

import org.parley.application.error.NotFound;
import org.parley.application.port.in.ChangedMessage;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.WebhookEvent;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.delivery.DeliveryPolicy;

/**
 * Takes one message from the sender's {@link SendBudget}, finds the caller's own message, stores its tombstone (with a
 * webhook, its {@code message.deleted} event in the same transaction), and only after that commit removes an
 * attachment's bytes from the {@link AttachmentStore}, then hands {@link MessageDeleted} to delivery.
 *
 * <p>Crash-safe without a second record: once the tombstone is committed no message names the attachment's storage
 * key, so should the process die (or the store fail) before the bytes are removed, the orphan sweeper
 * ({@link SweepOrphanedAttachmentsService}: a file older than its minimum age that no message names) removes them
 * later. The signed links of the message answer 404 from the commit on ({@link DownloadAttachmentService} finds no
 * file in a tombstone).
 *
 * <p>A deleted message deleted again (by its sender): nothing changes, its tombstone is answered and both sides are
 * told again, with the time of the first deletion ({@link DeleteMessage}).
 */
public final class DeleteMessageService implements DeleteMessage {

    private static final System.Logger LOG = System.getLogger(DeleteMessageService.class.getName());

    private final MessageRepository messages;
    private final UserAccounts users;
    private final EventDelivery delivery;
    private final AttachmentStore store;
    private final TimeSource time;
    private final SendBudget budget;
    private final ReadMarkerRepository readMarkers;
    /** Whether each deletion also records its webhook event (contract §15), in the deletion's transaction. */
    private final boolean recordWebhookEvents;

    /**
     * With {@code recordWebhookEvents} (a webhook is configured), each deletion also records a
     * {@code message.deleted} event in the webhook outbox, in the tombstone's own transaction
     * ({@link MessageRepository#saveDeletionRecordingEvent}); a message deleted again records nothing.
     */
    public DeleteMessageService(MessageRepository messages, UserAccounts users, EventDelivery delivery,
                                AttachmentStore store, TimeSource time, SendBudget budget,
                                ReadMarkerRepository readMarkers, boolean recordWebhookEvents) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.users = Objects.requireNonNull(users, "users");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.store = Objects.requireNonNull(store, "store");
        this.time = Objects.requireNonNull(time, "time");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.readMarkers = Objects.requireNonNull(readMarkers, "readMarkers");
        this.recordWebhookEvents = recordWebhookEvents;
    }

    @Override
    public ChangedMessage delete(Command command) {
        Budgets.takeOne(budget, command.requester());
        Message message = SenderOwnMessages.sentBy(messages, command.requester(), command.message());
        Message tombstone;
        Instant now = time.now();
        if (!message.deleted() && storeDeletion(message, now)) {
            tombstone = message.deletedAt(now);
            if (message.content() instanceof MessageContent.File file) {
                removeBytes(message, file);
            }
        } else {
            tombstone = message.deleted() ? message : messages.findById(message.id()).filter(Message::deleted)
                    .orElseThrow(() -> new NotFound("No message with this id was sent by you"));
        }
        delivery.deliver(new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), command.clientMessageId()));
        return SenderOwnMessages.answer(users, readMarkers, tombstone);
    }

    private boolean storeDeletion(Message message, Instant now) {
        return recordWebhookEvents
                ? messages.saveDeletionRecordingEvent(message.id(), now, WebhookEvent.messageDeleted(message, now))
                : messages.saveDeletion(message.id(), now);
    }

    /** After the commit; a failure leaves the bytes to the orphan sweeper (logged once, without the file's name). */
    private void removeBytes(Message message, MessageContent.File file) {
        try {
            store.delete(file.attachment().storageKey());
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "The attachment of deleted message " + message.id() + " could not be removed now ("
                    + failure.getClass().getSimpleName() + "); the orphan sweeper will remove it");
        }
    }
}
