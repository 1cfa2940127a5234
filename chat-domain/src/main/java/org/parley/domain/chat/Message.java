package org.parley.domain.chat;

import java.time.Instant;
import java.util.Objects;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

/** A stored chat message. Immutable; its id orders it among all messages. */
public record Message(
        MessageId id,
        ThreadId threadId,
        UserId sender,
        UserId receiver,
        MessageContent content,
        Instant createdAt,
        Instant updatedAt) {

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
}
