package org.parley.domain.chat;

import java.time.Instant;
import java.util.Objects;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

/**
 * A stored chat message. Immutable; its id orders it among all messages.
 *
 * <p>Its sender may change it later (contract §12): {@link #editedTo} gives the message with new text ({@code edited},
 * {@code updatedAt} = the edit's time), {@link #deletedAt} its tombstone ({@link MessageContent.Deleted}: the same id,
 * thread, people and {@code createdAt}, nothing of what it said). Who may do either is the use case's question.
 *
 * @param edited    whether its text was changed after it was sent ({@code false} for a message never edited)
 * @param updatedAt when it was sent, or last edited or deleted
 */
public record Message(
        MessageId id,
        ThreadId threadId,
        UserId sender,
        UserId receiver,
        MessageContent content,
        Instant createdAt,
        Instant updatedAt,
        boolean edited) {

    /** A message as sent, never edited. */
    public Message(MessageId id, ThreadId threadId, UserId sender, UserId receiver, MessageContent content,
                   Instant createdAt, Instant updatedAt) {
        this(id, threadId, sender, receiver, content, createdAt, updatedAt, false);
    }

    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (sender.equals(receiver)) {
            throw new DomainRuleViolation(RuleSubject.RECEIVER, "You cannot send a message to yourself");
        }
    }

    public MessageType type() {
        return content.type();
    }

    public boolean involves(UserId user) {
        return sender.equals(user) || receiver.equals(user);
    }

    /** Whether its sender deleted it: it is then a tombstone ({@link MessageContent.Deleted}). */
    public boolean deleted() {
        return content instanceof MessageContent.Deleted;
    }

    /**
     * This message with {@code text} in place of its own, {@code edited}, updated {@code at}.
     *
     * @throws IllegalStateException when it is not a text message (deleted ones included): only text is edited
     */
    public Message editedTo(MessageContent.Text text, Instant at) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        if (!(content instanceof MessageContent.Text)) {
            throw new IllegalStateException("Message " + id + " is not a text message and cannot be edited");
        }
        return new Message(id, threadId, sender, receiver, text, createdAt, at, true);
    }

    /** This message's tombstone, deleted {@code at}: its kind stays, nothing of what it said does. */
    public Message deletedAt(Instant at) {
        Objects.requireNonNull(at, "at");
        return new Message(id, threadId, sender, receiver, new MessageContent.Deleted(type()), createdAt, at, edited);
    }
}
