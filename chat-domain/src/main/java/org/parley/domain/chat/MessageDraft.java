package org.parley.domain.chat;

import java.time.Instant;
import java.util.Objects;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

/** A message composed in a thread and about to be stored; storage turns it into a {@link Message} with an id. */
public record MessageDraft(ThreadId threadId, UserId sender, UserId receiver, MessageContent content, Instant sentAt) {

    public MessageDraft {
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sentAt, "sentAt");
        if (content instanceof MessageContent.Deleted) {
            throw new IllegalArgumentException("A deleted message cannot be sent");
        }
        if (sender.equals(receiver)) {
            throw new DomainRuleViolation(RuleSubject.RECEIVER, "You cannot send a message to yourself");
        }
    }

    /** The stored message this draft becomes once storage has given it an id. */
    public Message storedAs(MessageId id) {
        return new Message(id, threadId, sender, receiver, content, sentAt, sentAt);
    }
}
