package org.parley.adapter.persistence;

import org.parley.domain.WellFormedText;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.MessageType;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * Maps between the domain's messages and rows of {@code messages}. The kind of content is stored as its
 * {@link MessageTypeCodes} code; each kind fills its own columns and leaves the others null.
 *
 * <p>A tombstone (contract §12) is a row with {@code deleted} set and every content column NULL; {@code edited} says
 * whether its text was changed.
 *
 * <p>Reading repairs text that is not valid Unicode: H2 keeps a Java string as it is, so a row written before Parley
 * refused unpaired UTF-16 surrogates may hold one, which no domain value accepts and no UTF-8 encoder can write. Each
 * unpaired surrogate of a body, caption or file name is read as U+FFFD (the row itself is left as it is).
 */
final class MessageMapper {

    private MessageMapper() {
    }

    /** A row for a draft about to be stored, without its id (the repository assigns it from the sequence). */
    static MessageEntity newEntity(MessageDraft draft) {
        MessageEntity entity = new MessageEntity();
        entity.threadId = draft.threadId().value();
        entity.senderId = draft.sender().value();
        entity.receiverId = draft.receiver().value();
        entity.messageType = MessageTypeCodes.codeOf(draft.content().type());
        writeContent(draft.content(), entity);
        entity.createdAt = StoredInstants.toColumn(draft.sentAt());
        entity.updatedAt = entity.createdAt;
        return entity;
    }

    /**
     * The message a row written for {@code draft} holds ({@code row} as {@link #newEntity} made it, with its id): the
     * draft's own content, with the instants as the row keeps them (microseconds). Equal to {@link #toDomain} of the
     * row, without reading the row back: the draft's text is a domain value, so already well-formed Unicode
     * ({@code MessageContent.Text} and {@code File} refuse anything else), and there is nothing to repair or check
     * again. For group commit's write path, which answers every stored message this way.
     */
    static Message stored(MessageDraft draft, MessageEntity row) {
        return new Message(new MessageId(row.id), draft.threadId(), draft.sender(), draft.receiver(), draft.content(),
                row.createdAt, row.updatedAt);
    }

    static Message toDomain(MessageEntity entity) {
        return new Message(
                new MessageId(entity.id),
                new ThreadId(entity.threadId),
                new UserId(entity.senderId),
                new UserId(entity.receiverId),
                readContent(entity),
                entity.createdAt,
                entity.updatedAt,
                entity.edited);
    }

    private static void writeContent(MessageContent content, MessageEntity entity) {
        if (content instanceof MessageContent.Text text) {
            entity.body = text.body();
        } else if (content instanceof MessageContent.File file) {
            Attachment attachment = file.attachment();
            entity.body = file.caption();
            entity.storageKey = attachment.storageKey();
            entity.fileName = attachment.fileName();
            entity.sizeBytes = attachment.sizeBytes();
            entity.contentType = attachment.contentType();
        } else if (content instanceof MessageContent.ProfileShare share) {
            entity.attachedProfileId = share.profile().value();
        } else if (content instanceof MessageContent.Deleted) {
            throw new IllegalArgumentException("A deleted message is never inserted");
        } else {
            throw new IllegalArgumentException("Unknown kind of message content: " + content.getClass().getName());
        }
    }

    private static MessageContent readContent(MessageEntity entity) {
        MessageType type = MessageTypeCodes.typeOf(entity.messageType).orElseThrow(() ->
                new IllegalStateException("Message " + entity.id + " has an unknown message_type"));
        if (entity.deleted) {
            return new MessageContent.Deleted(type);
        }
        String body = WellFormedText.replaceUnpairedSurrogates(entity.body);
        return switch (type) {
            case TEXT -> new MessageContent.Text(body);
            case FILE -> new MessageContent.File(body, new Attachment(entity.storageKey,
                    WellFormedText.replaceUnpairedSurrogates(entity.fileName), entity.sizeBytes, entity.contentType));
            case USER_PROFILE -> new MessageContent.ProfileShare(new UserId(entity.attachedProfileId));
        };
    }
}
