package org.parley.adapter.rest;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.parley.application.port.in.LinkToAttachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.wire.FileSizeText;
import org.parley.wire.MessageTypeNames;

/**
 * A message as the seed's {@code /chat/messages/} lists it, plus {@code attached_file_bytes} (contract §3) and
 * {@code seen} (contract §11: its receiver's read marker is at or past it).
 * {@code attached_file} is the signed, expiring download path of a file message ({@link MediaRoute}), {@code null}
 * for other messages. {@code edited} and {@code deleted} are contract §12's: a deleted message is a tombstone (its
 * {@code message}, {@code attached_file}, {@code attached_file_name} and {@code attached_profile} null,
 * {@code attached_file_size} {@code "0kb"}, its {@code message_type} kept).
 */
record MessageJson(
        @JsonProperty("id") long id,
        @JsonProperty("sender") UserJson sender,
        @JsonProperty("receiver") UserJson receiver,
        @JsonProperty("attached_file_size") String attachedFileSize,
        @JsonProperty("attached_file_bytes") long attachedFileBytes,
        @JsonProperty("message") String message,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("attached_file") String attachedFile,
        @JsonProperty("message_type") String messageType,
        @JsonProperty("attached_file_name") String attachedFileName,
        @JsonProperty("thread") long thread,
        @JsonProperty("attached_profile") String attachedProfile,
        @JsonProperty("seen") boolean seen,
        @JsonProperty("edited") boolean edited,
        @JsonProperty("deleted") boolean deleted) {

    /**
     * @param people at least the sender and the receiver of the message
     * @param seen   whether the message's receiver has read it
     * @throws IllegalStateException when one of them is missing (a broken use-case result, answered as a 500)
     */
    static MessageJson of(Message message, Map<UserId, User> people, LinkToAttachment links, boolean seen) {
        UserJson sender = UserJson.of(person(people, message.sender()));
        UserJson receiver = UserJson.of(person(people, message.receiver()));
        String text = null;
        String fileSize = WireFormat.noFileSize();
        long fileBytes = 0;
        String fileName = null;
        String profile = null;
        MessageContent content = message.content();
        if (content instanceof MessageContent.Text textContent) {
            text = textContent.body();
        } else if (content instanceof MessageContent.File file) {
            text = file.caption() == null ? "" : file.caption();
            fileSize = FileSizeText.of(file.attachment().sizeBytes());
            fileBytes = file.attachment().sizeBytes();
            fileName = file.attachment().fileName();
        } else if (content instanceof MessageContent.ProfileShare share) {
            profile = share.profile().toString();
        }
        return new MessageJson(
                message.id().value(),
                sender,
                receiver,
                fileSize,
                fileBytes,
                text,
                WireFormat.timestamp(message.updatedAt()),
                WireFormat.timestamp(message.createdAt()),
                links.linkFor(message).map(MediaRoute::pathOf).orElse(null),
                MessageTypeNames.of(message.type()),
                fileName,
                message.threadId().value(),
                profile,
                seen,
                message.edited(),
                message.deleted());
    }

    private static User person(Map<UserId, User> people, UserId id) {
        User user = people.get(id);
        if (user == null) {
            throw new IllegalStateException("A participant of a listed message is missing from the use-case result");
        }
        return user;
    }
}
