package org.parley.application.service;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.in.UploadAttachment;
import org.parley.application.port.out.AttachmentStore;
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
 * Checks the receiver first, then streams the bytes to the store, then stores the message. When anything fails after
 * the bytes were stored, they are deleted again, so a failed upload leaves nothing behind.
 */
public final class UploadAttachmentService implements UploadAttachment {

    private final UserAccounts users;
    private final ThreadRepository threads;
    private final MessageWriter writer;
    private final AttachmentStore store;
    private final MessageRules rules;
    private final long maxUploadBytes;
    private final TimeSource time;

    public UploadAttachmentService(UserAccounts users, ThreadRepository threads, MessageWriter writer,
                                   AttachmentStore store, MessageRules rules, long maxUploadBytes, TimeSource time) {
        this.users = Objects.requireNonNull(users, "users");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.store = Objects.requireNonNull(store, "store");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.time = Objects.requireNonNull(time, "time");
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive");
        }
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    public Uploaded upload(Command command) {
        Participants pair = Participants.of(command.sender(), command.receiver());
        Receivers.requireActive(users, command.receiver());
        String caption = command.caption() == null || command.caption().isBlank() ? ""
                : rules.text(command.caption()).body();
        AttachmentName name = AttachmentName.fromClient(command.fileName());

        StoredAttachment stored = store.store(command.content(), maxUploadBytes);
        try {
            Attachment attachment = new Attachment(
                    stored.storageKey(), name.value(), stored.sizeBytes(), stored.contentType());
            ChatThread thread = threads.getOrCreate(pair, time.now());
            Message message = awaitStored(writer.store(
                    thread.compose(command.sender(), new MessageContent.File(caption, attachment), time.now())));
            return new Uploaded(message, users.findAllById(List.of(command.sender(), command.receiver())));
        } catch (RuntimeException e) {
            store.delete(stored.storageKey());
            throw e;
        }
    }

    /** Waits for the commit: the upload's response names the stored message. */
    private static Message awaitStored(CompletableFuture<Message> stored) {
        try {
            return stored.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
