package org.parley.domain;

/**
 * A value or action that breaks a rule of the chat domain, such as an empty text message or a message to yourself.
 * Adapters translate it into their "validation error" (HTTP 400, websocket {@code validation_error}).
 */
public class DomainRuleViolation extends IllegalArgumentException {

    private final String field;

    public DomainRuleViolation(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The name of the offending input, as clients know it (for example {@code message_body}). */
    public String field() {
        return field;
    }
}
