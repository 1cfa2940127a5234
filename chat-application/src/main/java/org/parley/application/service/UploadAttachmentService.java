package org.parley.application.service;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.parley.application.error.Unavailable;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.UploadAttachment;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.ContentTypes;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.StoreMessages;
import org.parley.application.port.out.StoredAttachment;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentName;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.Participants;

/**
 * Checks the receiver first, then streams the bytes to the store, then stores the message. The content type is
 * detected from the file's first bytes ({@link ContentTypes}), which are read ahead and then streamed to the store with
 * the rest, so the file is read once. An upload is a message its sender sends: it takes one from the sender's
 * {@link SendBudget} (contract §16) before anything is read or stored, and stores nothing when refused. When anything fails after the bytes were stored, they are deleted again, so a
 * failed upload leaves nothing behind.
 *
 * <p>The upload tells nobody (its sender announces the file with {@code file_message}), but storing it still publishes
 * a {@link MessageStored} with no deliveries: whoever keeps a conversation's order across nodes learns the message's
 * {@link org.parley.application.port.out.ThreadPosition} and so can move past it when the next message says "after" it.
 */
public final class UploadAttachmentService implements UploadAttachment {

    private final UserAccounts users;
    private final ThreadRepository threads;
    private final StoreMessages messages;
    private final LinkToAttachment links;
    private final AttachmentStore store;
    private final ContentTypes contentTypes;
    private final MessageRules rules;
    private final long maxUploadBytes;
    private final TimeSource time;
    private final SendBudget budget;
    private final ReadMarkerRepository markers;

    public UploadAttachmentService(UserAccounts users, ThreadRepository threads, StoreMessages messages,
                                   LinkToAttachment links, AttachmentStore store, ContentTypes contentTypes,
                                   MessageRules rules, long maxUploadBytes, TimeSource time,
                                   SendBudget budget, ReadMarkerRepository markers) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.links = Objects.requireNonNull(links, "links");
        this.store = Objects.requireNonNull(store, "store");
        this.contentTypes = Objects.requireNonNull(contentTypes, "contentTypes");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.time = Objects.requireNonNull(time, "time");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.markers = Objects.requireNonNull(markers, "markers");
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive");
        }
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    public Uploaded upload(Command command) {
        Participants pair = Participants.of(command.sender(), command.receiver());
        Budgets.takeOne(budget, command.sender());
        Receivers.requireActive(users, command.receiver());
        String caption = command.caption() == null || command.caption().isBlank() ? ""
                : rules.text(command.caption()).body();
        AttachmentName name = AttachmentName.fromClient(command.fileName());

        byte[] firstBytes = firstBytes(command.content());
        StoredAttachment stored = store.store(new SequenceInputStream(
                new ByteArrayInputStream(firstBytes), leftOpen(command.content())), maxUploadBytes);
        Uploaded uploaded;
        try {
            Attachment attachment = new Attachment(stored.storageKey(), name.value(), stored.sizeBytes(),
                    contentTypes.detect(firstBytes, name.value()));
            ChatThread thread = threads.getOrCreate(pair, time.now());
            Message message = awaitStored(messages.storeThenPublish(
                    thread.compose(command.sender(), new MessageContent.File(caption, attachment), time.now()),
                    committed -> new MessageStored(committed, List.of(), Optional.empty(), Optional.empty(),
                            links.linkFor(committed))));
            uploaded = new Uploaded(message, users.findAllById(List.of(command.sender(), command.receiver())));
        } catch (RuntimeException e) {
            store.delete(stored.storageKey());
            throw e;
        }
        // Stored: from here on nothing deletes the bytes. The receiver may have marked a later message already (§11).
        try {
            return uploaded.seen(markers.findIn(uploaded.message().threadId()).seen(uploaded.message()));
        } catch (Unavailable markersUnreadable) {
            return uploaded; // the upload is stored and must be answered 201; not seen is what is nearly always true
        }
    }

    /** The file's first {@link ContentTypes#FIRST_BYTES} bytes, or all of it when it is shorter. */
    private static byte[] firstBytes(InputStream content) {
        try {
            return content.readNBytes(ContentTypes.FIRST_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading an attachment failed", e);
        }
    }

    /** {@code content} as a stream whose {@code close} does nothing: the caller closes it (a sequence would). */
    private static InputStream leftOpen(InputStream content) {
        return new FilterInputStream(content) {
            @Override
            public void close() {
            }
        };
    }

    /** Waits for the commit: the upload's response names the stored message. */
    private static Message awaitStored(CompletionStage<Message> stored) {
        try {
            return stored.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
