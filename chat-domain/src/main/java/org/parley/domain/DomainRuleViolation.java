package org.parley.domain;

import java.util.Objects;

/**
 * A value or action that breaks a rule of the chat domain, such as an empty text message or a message to yourself.
 * Its {@link #subject()} says what the rule is about; its message is safe to show to the caller. Driving adapters
 * translate it into their "validation error" (HTTP 400 {@code validation_error} naming the subject's field,
 * websocket {@code validation_error}).
 */
public class DomainRuleViolation extends IllegalArgumentException {

    private final RuleSubject subject;

    public DomainRuleViolation(RuleSubject subject, String message) {
        super(message);
        this.subject = Objects.requireNonNull(subject, "subject");
    }

    /** What the broken rule is about. */
    public RuleSubject subject() {
        return subject;
    }
}
