package org.parley.domain.chat;

import java.time.Instant;
import java.util.Objects;

import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

/**
 * The seed API's "thread": the one conversation between two people. Named {@code ChatThread} so that it never
 * shadows {@link java.lang.Thread}. Threads are created by storage (which assigns the id and guarantees one thread
 * per pair) and compose the messages sent in them.
 */
public record ChatThread(ThreadId id, Participants participants, Instant createdAt) {

    public ChatThread {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(participants, "participants");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean includes(UserId user) {
        return participants.includes(user);
    }

    /**
     * A new message from {@code sender} to the other participant, not yet stored.
     *
     * @throws DomainRuleViolation when {@code sender} is not in this thread
     */
    public MessageDraft compose(UserId sender, MessageContent content, Instant sentAt) {
        if (!participants.includes(sender)) {
            throw new DomainRuleViolation(RuleSubject.SENDER, "Only a participant can write in a thread");
        }
        return new MessageDraft(id, sender, participants.otherThan(sender), content, sentAt);
    }
}
